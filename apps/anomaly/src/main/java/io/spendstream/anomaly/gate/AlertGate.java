package io.spendstream.anomaly.gate;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.spendstream.anomaly.burn.BurnRateRecords;
import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.anomaly.core.PageText;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;

/**
 * The alert-hygiene rules, plain Java: given what the gate knows of one dedup key ({@link GateState}) and an alert
 * from the detectors, or a periodic review, decides what goes to {@code spend.alerts}.
 * <ul>
 * <li><b>One alert per key while open</b>: a FIRING for a key already fired is dropped ({@code duplicate}) unless
 * its severity is higher (TICKET to PAGE), which fires again under the same key. A RESOLVED for a key that is not
 * open is dropped ({@code not-open}).</li>
 * <li><b>Cooldown</b>: a RESOLVED is held for {@code cooldown}; a FIRING of the key meanwhile cancels it and nothing
 * is sent ({@code cooldown}): the alert simply stays open. Otherwise the RESOLVED goes out when the cooldown ends.</li>
 * <li><b>Silences</b>: a FIRING that a silence in force covers is not sent ({@code silenced}); when no silence
 * covers it any more and it is still open, it fires then, with the figures of its latest UPDATE (refreshes: see
 * {@link AnomalyRecords#REFRESH}), the annotation {@code held_by_silence} ({@code 11:02Z-11:07Z}) and a note in its
 * summary; its RESOLVED then goes out without the cooldown. A RESOLVED of an alert never sent is dropped
 * ({@code silenced}). An alert fired before a silence started still gets its RESOLVED.</li>
 * <li><b>Grouping</b>: an alert labelled with a service, first fired while a burn-rate alert of its team's budget
 * ({@code team:<team>}) or of {@code all} is open, joins that group: label {@code group} = the parent's dedup key.
 * While the parent pages, a grouped PAGE is sent as TICKET (the parent already woke someone); if it is still open
 * when the parent resolves, it escalates to its own severity.</li>
 * <li><b>Group wait</b>: parents reach every gate task through copies, in no order with the children on other
 * partitions. So the first FIRING of an alert that could be grouped (labelled with a service, not a parent, no parent
 * open yet) is held for {@code group-wait}: it goes out grouped as soon as a parent opens for it, else as it is when
 * the wait ends. If it resolves while held, neither it nor its RESOLVED is sent ({@code group-wait}, counting
 * both). Parents are never held. A child already sent is not regrouped by a parent that opens later.</li>
 * <li><b>Figures that moved</b>: an alert already sent is sent again, same key, labels and severity, when the excess
 * per hour of its refreshes rose by more than {@code redeliver-factor} (1.5x) over what was sent; the first time at
 * once, then at most once per {@code redeliver-interval} (5 min). An incident that starts part-way through a minute
 * opens on that minute's covered part, normal seconds included, and reads low; the next minute corrects it.</li>
 * </ul>
 * The gate also adds the label {@code team} to alerts that name a service whose owner it knows.
 */
final class AlertGate {

    static final String DUPLICATE = "duplicate";
    static final String COOLDOWN = "cooldown";
    static final String SILENCED = "silenced";
    static final String NOT_OPEN = "not-open";
    static final String GROUP_WAIT = "group-wait";

    static final String GROUP_LABEL = "group";
    /** Annotation of an alert a silence held: when the hold began, then (once released) {@code begin-end}. */
    static final String HELD_BY_SILENCE = "held_by_silence";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);
    /** Annotation of an alert re-delivered with new figures: when they were observed. */
    static final String FIGURES_UPDATED = "figures_updated";
    /** The annotation whose amount a re-delivery compares ({@link PageText#annotations}). */
    static final String EXCESS_PER_HOUR = "excess_per_hour";
    static final String TEAM_LABEL = "team";
    static final String SERVICE_LABEL = "service";

    /** What the gate reads besides the key's own state: the copies every gate task keeps. */
    interface Lookups {
        Optional<String> teamOf(String service);

        /** The open parent alert with this dedup key, if it is FIRING. */
        Optional<Alert> openParent(String parentDedupKey);

        boolean silenced(Alert alert, long nowMillis);
    }

    /** An alert to write, at a record timestamp. */
    record Out(Alert alert, long timestamp) {
    }

    /**
     * What one step decided: an alert to write and/or the reason {@code suppressedCount} alerts that came in were not
     * written.
     */
    record Decision(Out out, String suppressed, int suppressedCount, boolean newlyGrouped) {
        static final Decision NONE = new Decision(null, null, 0, false);

        static Decision suppressed(String reason) {
            return new Decision(null, reason, 1, false);
        }

        Decision(Out out, String suppressed, boolean newlyGrouped) {
            this(out, suppressed, suppressed == null ? 0 : 1, newlyGrouped);
        }

        Optional<Out> emitted() {
            return Optional.ofNullable(out);
        }
    }

    private final AlertGateSettings settings;

    AlertGate(AlertGateSettings settings) {
        this.settings = settings;
    }

    /** A parent alert: a burn-rate alert of a team's budget or of {@code all}; its state is sent to every task. */
    static boolean isParent(Alert alert) {
        return AnomalyType.BURN_RATE.name().equals(alert.getAnomalyType())
                && BurnRateRecords.SCOPE_TYPE.equals(alert.getScopeType())
                && ("all".equals(alert.getScope()) || alert.getScope().startsWith("team:"));
    }

    Decision onAlert(GateState state, Alert alert, long timestamp, long now, Lookups lookups) {
        if (AnomalyRecords.isRefresh(alert)) {
            refresh(state, alert);
            return redeliver(state, timestamp, now, lookups);
        }
        return alert.getStatus() == AlertStatus.FIRING ? onFiring(state, alert, timestamp, now, lookups)
                : onResolved(state, alert, timestamp, now);
    }

    /**
     * New figures for an open alert: kept on the latest FIRING (same severity and labels), so an alert held by a
     * silence or a group wait goes out with current figures, not those of its opening minute. Nothing is sent and
     * nothing counted: a refresh is not an alert. A refresh of a key with nothing open is ignored.
     */
    private static void refresh(GateState state, Alert refresh) {
        if (state.latest == null) {
            return;
        }
        Map<String, String> annotations = new LinkedHashMap<>(refresh.getAnnotations());
        annotations.remove(AnomalyRecords.REFRESH);
        String held = state.latest.getAnnotations().get(HELD_BY_SILENCE);
        if (held != null) {
            annotations.put(HELD_BY_SILENCE, held);
        }
        state.latest = Alert.newBuilder(state.latest).setSummary(refresh.getSummary()).setAnnotations(annotations)
                .build();
    }

    /**
     * After a refresh of an alert already sent: sends it again with the refreshed figures when its excess per hour
     * rose by more than {@code redeliver-factor} over the one sent, so receivers do not keep the figures of a partial
     * opening minute. Only a rise: the minute after a spike ends always reads low (the detector's "excess stopped"
     * update), and re-sending it just before the RESOLVED would be noise; a rate that settles lower is in the
     * RESOLVED's incident cost. Same dedup key, labels and severity as the alert sent (receivers update it in place; a
     * PagerDuty-style receiver keyed by the dedup key pages no one again), its summary saying what moved, and the
     * annotation {@value #FIGURES_UPDATED}. Not while a silence covers it, nor within {@code redeliver-interval} of
     * the previous re-delivery.
     */
    private Decision redeliver(GateState state, long timestamp, long now, Lookups lookups) {
        if (state.latest == null || state.emitted == null || state.waitingForGroup() || (state.redeliveredAt != 0
                && now - state.redeliveredAt < settings.redeliverInterval().toMillis())) {
            return Decision.NONE;
        }
        BigDecimal sent = PageText.perHourOf(state.emitted.getAnnotations().get(EXCESS_PER_HOUR));
        BigDecimal current = PageText.perHourOf(state.latest.getAnnotations().get(EXCESS_PER_HOUR));
        if (sent == null || current == null || !roseBeyond(sent.abs(), current.abs(), settings.redeliverFactor())) {
            return Decision.NONE;
        }
        Map<String, String> annotations = new LinkedHashMap<>(state.latest.getAnnotations());
        String clock = CLOCK.format(Instant.ofEpochMilli(timestamp));
        annotations.put(FIGURES_UPDATED, clock + " (" + Instant.ofEpochMilli(timestamp) + ")");
        String group = state.emitted.getLabels().get(GROUP_LABEL);
        String summary = state.latest.getSummary() + (group == null ? "" : " (grouped under " + group + ")")
                + " (figures updated " + clock + ": excess was " + state.emitted.getAnnotations().get(EXCESS_PER_HOUR)
                + " when first sent)";
        Alert candidate = Alert.newBuilder(state.latest)
                .setSeverity(state.emitted.getSeverity())
                .setLabels(state.emitted.getLabels())
                .setSummary(summary)
                .setAnnotations(annotations)
                .build();
        if (lookups.silenced(candidate, now)) {
            return Decision.NONE;
        }
        state.emitted = candidate;
        state.redeliveredAt = now;
        return new Decision(new Out(candidate, timestamp), null, false);
    }

    /** True when {@code current} is more than {@code factor} times {@code sent}. */
    static boolean roseBeyond(BigDecimal sent, BigDecimal current, double factor) {
        return current.compareTo(sent.multiply(BigDecimal.valueOf(factor))) > 0;
    }

    private Decision onFiring(GateState state, Alert alert, long timestamp, long now, Lookups lookups) {
        if (state.waitingForGroup()) {
            // Still held: the newer FIRING replaces it (an escalation goes out at the higher severity when released).
            boolean escalation = rank(alert.getSeverity()) > rank(state.latest.getSeverity());
            state.latest = alert;
            state.latestAt = timestamp;
            return escalation ? Decision.NONE : Decision.suppressed(DUPLICATE);
        }
        boolean firstFiring = state.latest == null && state.emitted == null && state.held == null;
        boolean wasHeld = state.held != null;
        state.held = null;
        state.latest = alert;
        state.latestAt = timestamp;
        if (firstFiring && mayJoinAGroupLater(alert, lookups)) {
            state.groupWaitUntil = now + settings.groupWait().toMillis();
            return Decision.NONE;
        }
        Decision decision = reconcile(state, now, lookups);
        if (wasHeld && DUPLICATE.equals(decision.suppressed())) {
            return Decision.suppressed(COOLDOWN);
        }
        return decision;
    }

    /**
     * A child whose parent has not opened (yet): its FIRING may be ahead of the parent's copy on this partition. With
     * a parent open it is grouped at once; without a service it can never be grouped.
     */
    private boolean mayJoinAGroupLater(Alert alert, Lookups lookups) {
        if (settings.groupWait().isZero() || isParent(alert)) {
            return false;
        }
        String service = alert.getLabels().get(SERVICE_LABEL);
        return service != null && parentOf(teamOf(alert, lookups), lookups).isEmpty();
    }

    private Decision onResolved(GateState state, Alert alert, long timestamp, long now) {
        if (state.waitingForGroup()) {
            // Resolved before anyone was told it fired: a lone RESOLVED would close nothing at the receiver.
            state.clear();
            return new Decision(null, GROUP_WAIT, 2, false);
        }
        if (state.latest == null) {
            return Decision.suppressed(state.held != null ? DUPLICATE : NOT_OPEN);
        }
        if (state.emitted == null) {
            // Silenced all along: nobody was told it fired, so nobody is told it stopped.
            state.clear();
            return Decision.suppressed(SILENCED);
        }
        // Same labels and severity as what receivers hold, so they match it to the alert they have.
        Map<String, String> annotations = new LinkedHashMap<>(alert.getAnnotations());
        String held = state.emitted.getAnnotations().get(HELD_BY_SILENCE);
        if (held != null) {
            annotations.put(HELD_BY_SILENCE, held);
        }
        Alert resolved = Alert.newBuilder(state.emitted)
                .setStatus(AlertStatus.RESOLVED)
                .setSummary(alert.getSummary())
                .setAnnotations(annotations)
                .setEndsAt(alert.getEndsAt())
                .setAnomalyIds(alert.getAnomalyIds())
                .build();
        state.latest = null;
        if (settings.cooldown().isZero() || held != null) {
            // No cooldown after a release from a silence: the page went out late already, and its incident is
            // over; on-call must not wait out a cooldown to learn it (a re-fire opens a new alert anyway).
            state.clear();
            return new Decision(new Out(resolved, timestamp), null, false);
        }
        state.held = resolved;
        state.heldAt = timestamp;
        state.holdUntil = now + settings.cooldown().toMillis();
        return Decision.NONE;
    }

    /**
     * Periodic or after a silence or group changed: sends a held RESOLVED whose cooldown is over, or a FIRING that is
     * due now (its silence ended, its parent stopped paging, its group wait ended or its parent opened). Nothing is
     * counted as suppressed here (no alert came in), except a FIRING released from its group wait into a silence:
     * that is the first time the gate decides about it.
     */
    Decision review(GateState state, long now, Lookups lookups) {
        if (state.waitingForGroup()) {
            if (now < state.groupWaitUntil && parentOf(teamOf(state.latest, lookups), lookups).isEmpty()) {
                return Decision.NONE;
            }
            state.groupWaitUntil = 0;
            return reconcile(state, now, lookups);
        }
        if (state.held != null) {
            if (now < state.holdUntil) {
                return Decision.NONE;
            }
            Out out = new Out(state.held, state.heldAt);
            state.clear();
            return new Decision(out, null, false);
        }
        Decision decision = reconcile(state, now, lookups);
        return decision.out() == null ? Decision.NONE : decision;
    }

    private Decision reconcile(GateState state, long now, Lookups lookups) {
        if (state.latest == null) {
            return Decision.NONE;
        }
        Map<String, String> labels = new LinkedHashMap<>(state.latest.getLabels());
        String service = labels.get(SERVICE_LABEL);
        String team = teamOf(state.latest, lookups);
        if (team != null) {
            labels.put(TEAM_LABEL, team);
        }
        String group = state.group;
        boolean newlyGrouped = false;
        if (group == null && state.emitted == null && service != null && !isParent(state.latest)) {
            group = parentOf(labels.get(TEAM_LABEL), lookups).orElse(null);
            newlyGrouped = group != null;
        }
        Severity severity = state.latest.getSeverity();
        String summary = state.latest.getSummary();
        if (group != null) {
            labels.put(GROUP_LABEL, group);
            summary = summary + " (grouped under " + group + ")";
            Optional<Alert> parent = lookups.openParent(group);
            if (severity == Severity.PAGE && parent.isPresent() && parent.get().getSeverity() == Severity.PAGE) {
                severity = Severity.TICKET;
            }
        }
        labels.put("severity", severity.name().toLowerCase(Locale.ROOT));
        Map<String, String> annotations = new LinkedHashMap<>(state.latest.getAnnotations());
        String heldSince = annotations.get(HELD_BY_SILENCE);
        if (heldSince != null && state.emitted == null) {
            // Released from a silence: say so, and that the figures are those of now, not of its first minute.
            String held = heldSince + "-" + CLOCK.format(Instant.ofEpochMilli(now));
            annotations.put(HELD_BY_SILENCE, held);
            summary = summary + " (held by a silence " + held + "; figures as of release)";
        }
        Alert candidate = Alert.newBuilder(state.latest)
                .setSeverity(severity)
                .setLabels(labels)
                .setSummary(summary)
                .setAnnotations(annotations)
                .build();
        if (lookups.silenced(candidate, now)) {
            if (heldSince == null && state.emitted == null) {
                Map<String, String> marked = new LinkedHashMap<>(state.latest.getAnnotations());
                marked.put(HELD_BY_SILENCE, CLOCK.format(Instant.ofEpochMilli(now)));
                state.latest = Alert.newBuilder(state.latest).setAnnotations(marked).build();
            }
            return Decision.suppressed(SILENCED);
        }
        if (state.emitted != null && rank(severity) <= rank(state.emitted.getSeverity())) {
            return Decision.suppressed(DUPLICATE);
        }
        state.emitted = candidate;
        state.group = group;
        return new Decision(new Out(candidate, state.latestAt), null, newlyGrouped);
    }

    /** The alert's team: its own label, else the owner of its service; null when neither is known. */
    private static String teamOf(Alert alert, Lookups lookups) {
        String labelled = alert.getLabels().get(TEAM_LABEL);
        if (labelled != null) {
            return labelled;
        }
        String service = alert.getLabels().get(SERVICE_LABEL);
        return service == null ? null : lookups.teamOf(service).orElse(null);
    }

    /** The open parent that explains an alert of this team: the team's budget first, then {@code all}. */
    private static Optional<String> parentOf(String team, Lookups lookups) {
        if (team != null) {
            String teamParent = BurnRateRecords.dedupKey("team:" + team);
            if (lookups.openParent(teamParent).isPresent()) {
                return Optional.of(teamParent);
            }
        }
        String allParent = BurnRateRecords.dedupKey("all");
        return lookups.openParent(allParent).isPresent() ? Optional.of(allParent) : Optional.empty();
    }

    private static int rank(Severity severity) {
        return switch (severity) {
            case PAGE -> 2;
            case TICKET -> 1;
            case INFO -> 0;
        };
    }
}
