package io.spendstream.anomaly.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.AlertGateEvent;
import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.avro.SilenceRecord;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * Runs the {@link AlertGate} on the gate's repartition topic and writes what it lets through (key = dedup key).
 * Stores (RocksDB, changelogged): {@value AlertGateTopology#GATE_STORE} (one {@link GateState} per dedup key this
 * task owns), and this task's copies of the silences ({@value AlertGateTopology#SILENCE_STORE}), the open parent
 * alerts ({@value AlertGateTopology#GROUP_STORE}) and the service owners ({@value AlertGateTopology#TEAM_STORE}).
 * Time for silences and the cooldown is the wall clock ({@link ProcessorContext#currentSystemTimeMs()}): a
 * maintenance window and a cooldown are about when people get paged; a wall-clock punctuation every
 * {@code check-interval} releases held resolves and fires alerts whose silence ended, even when no record arrives.
 * Group wait is wall clock too, for the same reason: a child held for its parent is released by a punctuation every
 * second, or at once when its parent's FIRING arrives. Everything held (a RESOLVED in cooldown, a FIRING in group
 * wait) is state in the changelogged store, written in the same transaction as what the gate forwards, so a restart
 * neither loses it nor sends it twice.
 */
final class AlertGateProcessor implements Processor<String, AlertGateEvent, String, Alert> {

    private static final String EMITTED = AlertGateTopology.EMITTED;
    private static final String SUPPRESSED = AlertGateTopology.SUPPRESSED;
    private static final String GROUPED = AlertGateTopology.GROUPED;
    private static final String WAITED = AlertGateTopology.WAITED;

    private final AlertGate gate;
    private final AlertGateSettings settings;
    private final PipelineMetrics metrics;
    private final String stage;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, AlertGateStateRecord> states;
    private KeyValueStore<String, SilenceRecord> silences;
    private KeyValueStore<String, Alert> groups;
    private KeyValueStore<String, String> teams;
    private final AlertGate.Lookups lookups = new StoreLookups();

    AlertGateProcessor(AlertGateSettings settings, PipelineMetrics metrics, String stage) {
        this.gate = new AlertGate(settings);
        this.settings = settings;
        this.metrics = metrics;
        this.stage = stage;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        this.states = context.getStateStore(AlertGateTopology.GATE_STORE);
        this.silences = context.getStateStore(AlertGateTopology.SILENCE_STORE);
        this.groups = context.getStateStore(AlertGateTopology.GROUP_STORE);
        this.teams = context.getStateStore(AlertGateTopology.TEAM_STORE);
        context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::reviewAll);
        if (!settings.groupWait().isZero()) {
            context.schedule(settings.groupWaitReleaseInterval(), PunctuationType.WALL_CLOCK_TIME,
                    this::releaseWaitingChildren);
        }
    }

    @Override
    public void process(Record<String, AlertGateEvent> record) {
        AlertGateEvent event = record.value();
        long now = context.currentSystemTimeMs();
        switch (event.getKind()) {
            case ALERT -> onAlert(record.key(), AlertCodec.decode(event.getAlert()), record.timestamp(), now);
            case SILENCE -> {
                if (event.getSilence() == null) {
                    silences.delete(event.getSilenceId());
                } else {
                    silences.put(event.getSilenceId(), event.getSilence());
                }
                // A deleted or shortened silence may release alerts now rather than at the next check.
                reviewAll(now);
            }
            case GROUP -> {
                Alert parent = AlertCodec.decode(event.getAlert());
                if (parent.getStatus() == AlertStatus.FIRING) {
                    groups.put(parent.getDedupKey(), parent);
                    // Children that got here first and are waiting for it go out grouped now.
                    releaseWaitingChildren(now);
                } else {
                    groups.delete(parent.getDedupKey());
                    // Children held at TICKET while the parent paged escalate now that it stopped.
                    reviewAll(now);
                }
            }
            case TEAM -> teams.put(event.getService(), event.getTeam());
            default -> throw new IllegalStateException("Unknown gate event " + event.getKind());
        }
    }

    private void onAlert(String dedupKey, Alert alert, long timestamp, long now) {
        GateState state = GateState.from(states.get(dedupKey));
        boolean wasWaiting = state.waitingForGroup();
        AlertGate.Decision decision = gate.onAlert(state, alert, timestamp, now, lookups);
        if (!wasWaiting && state.waitingForGroup()) {
            metrics.counter(WAITED, "stage", stage).increment();
        }
        save(dedupKey, state);
        apply(dedupKey, decision);
    }

    private void reviewAll(long now) {
        review(now, false);
        pruneEndedSilences(now);
    }

    private void releaseWaitingChildren(long now) {
        review(now, true);
    }

    private void review(long now, boolean onlyWaitingForGroup) {
        List<KeyValue<String, GateState>> all = new ArrayList<>();
        try (KeyValueIterator<String, AlertGateStateRecord> it = states.all()) {
            it.forEachRemaining(kv -> all.add(KeyValue.pair(kv.key, GateState.from(kv.value))));
        }
        for (KeyValue<String, GateState> entry : all) {
            GateState state = entry.value;
            if (onlyWaitingForGroup && !state.waitingForGroup()) {
                continue;
            }
            AlertGate.Decision decision = gate.review(state, now, lookups);
            if (decision != AlertGate.Decision.NONE) {
                save(entry.key, state);
                apply(entry.key, decision);
            }
        }
    }

    /** Silences past their end are forgotten (a compacted topic keeps them until someone deletes them). */
    private void pruneEndedSilences(long now) {
        List<String> ended = new ArrayList<>();
        try (KeyValueIterator<String, SilenceRecord> it = silences.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.getEndsAt() <= now) {
                    ended.add(kv.key);
                }
            });
        }
        ended.forEach(silences::delete);
    }

    private void save(String dedupKey, GateState state) {
        if (state.isDone()) {
            states.delete(dedupKey);
        } else {
            states.put(dedupKey, state.toRecord());
        }
    }

    private void apply(String dedupKey, AlertGate.Decision decision) {
        if (decision.suppressed() != null) {
            metrics.counter(SUPPRESSED, "stage", stage, "reason", decision.suppressed())
                    .increment(decision.suppressedCount());
        }
        decision.emitted().ifPresent(out -> {
            metrics.counter(EMITTED, "stage", stage, "status",
                    out.alert().getStatus().name().toLowerCase(Locale.ROOT)).increment();
            if (decision.newlyGrouped()) {
                metrics.counter(GROUPED, "stage", stage).increment();
            }
            context.forward(new Record<>(dedupKey, out.alert(), out.timestamp()));
        });
    }

    private final class StoreLookups implements AlertGate.Lookups {

        @Override
        public Optional<String> teamOf(String service) {
            return Optional.ofNullable(teams.get(service));
        }

        @Override
        public Optional<Alert> openParent(String parentDedupKey) {
            return Optional.ofNullable(groups.get(parentDedupKey));
        }

        @Override
        public boolean silenced(Alert alert, long nowMillis) {
            try (KeyValueIterator<String, SilenceRecord> it = silences.all()) {
                while (it.hasNext()) {
                    SilenceRecord silence = it.next().value;
                    if (Silences.active(silence, nowMillis) && Silences.covers(silence, alert)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
