package io.spendstream.anomaly.spike;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.streams.KeyValue;

import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.core.AnomalyRecords;
import io.spendstream.anomaly.core.PageText;
import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.detector.LeakRule;
import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Contributor;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Makes a cost spike of the spend enrich could not attribute a first-class {@code UNALLOCATED_SURGE}. Enrich files
 * untagged cost under the service {@value #SERVICE} (its {@code AttributionResolver.UNALLOCATED_KEY}), so the
 * cost-spike detector already watches it like any service, with its resources and SKUs as children; this mapping,
 * applied to the cost-spike processor's output, is the one place that says what such a spike is:
 * <ul>
 *   <li>type {@code UNALLOCATED_SURGE}, dedup key (and topic key) {@value #DEDUP_KEY}, following
 *       {@code type:scopeType:scope}: it is the spend of the {@code unallocated} service, so scope type and scope
 *       stay those of the spike, and the alert keeps its {@code service=unallocated} label for silences;</li>
 *   <li>a summary that says what to do: tag the resources that moved (the top contributors of kind
 *       {@code resource});</li>
 *   <li>a severity set by {@code spendstream.anomaly.unallocated.severity}: {@code by-excess} (the default: the
 *       cost-spike rule, PAGE from {@code page-per-hour} of excess, else TICKET), or a fixed {@code PAGE},
 *       {@code TICKET} or {@code INFO}. Untagged money burns as fast as tagged money, so the default lets the money
 *       decide, not the missing tag; the missing owner is a routing question (route {@code type=unallocated_surge}
 *       to whoever owns tagging hygiene).</li>
 * </ul>
 * Everything else (detection, lifecycle, contributors, excess) is the cost spike's.
 */
public final class UnallocatedSurge {

    /** The service enrich files untagged spend under. */
    public static final String SERVICE = "unallocated";
    public static final String DEDUP_KEY = "unallocated-surge:service:" + SERVICE;
    public static final String SEVERITY = "spendstream.anomaly.unallocated.severity";
    /** {@link #SEVERITY} value for the cost-spike rule. */
    public static final String BY_EXCESS = "by-excess";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

    /** The fixed severity, or empty for the cost-spike rule. */
    private final Optional<Severity> severity;
    /** The lifecycle's {@code resolveScore}: an UPDATE scoring below it reports a quiet window. */
    private final double resolveScore;

    public UnallocatedSurge(Optional<Severity> severity, double resolveScore) {
        this.severity = severity;
        this.resolveScore = resolveScore;
    }

    public static UnallocatedSurge from(SpendstreamConfig config, double resolveScore) {
        if (config.get(SEVERITY, BY_EXCESS).trim().equalsIgnoreCase(BY_EXCESS)) {
            return new UnallocatedSurge(Optional.empty(), resolveScore);
        }
        return new UnallocatedSurge(Optional.of(AnomalySettings.severity(config, SEVERITY, Severity.TICKET)),
                resolveScore);
    }

    public static String anomalyId(long startedAt) {
        return DEDUP_KEY + ":" + startedAt;
    }

    /**
     * The emission under its key, retyped (and re-keyed) when it is a cost spike of {@value #SERVICE}; anything else
     * unchanged. An escalation of a surge whose severity is fixed keeps its UPDATE event and loses its alert.
     */
    public KeyValue<String, Emission> retype(String key, Emission emission) {
        Anomaly spike = emission.anomaly();
        if (spike == null || spike.getType() != AnomalyType.COST_SPIKE || !"service".equals(spike.getScopeType())
                || !SERVICE.equals(spike.getScope()) || LeakRule.isLeak(spike.getAnomalyId())) {
            // A slow leak of the unallocated spend keeps its own key: it is no surge.
            return KeyValue.pair(key, emission);
        }
        Anomaly surge = Anomaly.newBuilder(spike)
                .setType(AnomalyType.UNALLOCATED_SURGE)
                .setDedupKey(DEDUP_KEY)
                .setAnomalyId(anomalyId(spike.getStartedAt().toEpochMilli()))
                .setSeverity(severity.orElse(spike.getSeverity()))
                .setSummary(summary(spike))
                .build();
        // An UPDATE carries an alert only when it escalated; with a fixed severity there is nothing to escalate.
        boolean refresh = AnomalyRecords.isRefresh(emission.alert());
        boolean escalated = spike.getState() == AnomalyState.UPDATE && emission.hasAlert() && !refresh
                && severity.isEmpty();
        Alert alert = refresh ? AnomalyRecords.refresh(surge)
                : emission.hasAlert() ? AnomalyRecords.alert(surge, escalated).orElse(null) : null;
        return KeyValue.pair(DEDUP_KEY, new Emission(surge, alert));
    }

    /**
     * E.g. {@code untagged spend surged since 11:00Z: ~540 USD/h above expected (9.90 USD vs 1.00 in the window so
     * far); tag these resources: gpu-batch-7, i-0scratch (SKUs g5.xlarge)}. Amounts rounded for display only.
     */
    String summary(Anomaly spike) {
        String currency = spike.getCurrency();
        String since = CLOCK.format(spike.getStartedAt());
        if (spike.getState() == AnomalyState.RESOLVED) {
            return "untagged spend back to " + amount(spike.getObserved()) + " " + currency + " vs "
                    + amount(spike.getExpected()) + " expected; surge " + since + "-"
                    + CLOCK.format(spike.getEndedAt()) + " cost " + amount(spike.getExcessCost()) + " " + currency
                    + " excess: tag the resources it named so their spend has an owner";
        }
        if (spike.getState() == AnomalyState.UPDATE && isQuiet(spike)) {
            // A quiet window on the way to resolving: nothing to tag in it.
            return "untagged spend surge since " + since + " quiet in the last window (" + amount(spike.getObserved())
                    + " " + currency + " vs " + amount(spike.getExpected()) + " expected), "
                    + amount(spike.getExcessCost()) + " " + currency + " excess so far";
        }
        String line = "untagged spend surged since " + since + ": ~"
                + spike.getExcessCostPerHour().setScale(0, RoundingMode.HALF_EVEN).toPlainString() + " " + currency
                + "/h above expected (" + amount(spike.getObserved()) + " " + currency + " vs "
                + amount(spike.getExpected()) + (spike.getState() == AnomalyState.OPEN ? " in the window so far)"
                        : " in the last window), " + amount(spike.getExcessCost()) + " " + currency
                                + " excess so far");
        return line + "; " + whatToTag(spike.getTopContributors());
    }

    /** As the lifecycle judges it: scoring under the resolve score, or not above the baseline at all. */
    private boolean isQuiet(Anomaly update) {
        return update.getScore() < resolveScore || update.getObserved().compareTo(update.getExpected()) <= 0;
    }

    private static String whatToTag(List<Contributor> contributors) {
        List<String> resources = new java.util.ArrayList<>(named(contributors, "resource"));
        for (Contributor c : contributors) {
            if (ContributorBaselines.NEW_RESOURCES.equals(c.getName())) {
                // Many new untagged resources: name a few, and say how many there are.
                resources.add(PageText.newResources(c));
            }
        }
        if (resources.isEmpty()) {
            return "tag the resources behind it (none stands out: the surge is spread over many)";
        }
        List<String> skus = named(contributors, "sku");
        return "tag these resources: " + String.join(", ", resources)
                + (skus.isEmpty() ? "" : " (SKUs " + String.join(", ", skus) + ")");
    }

    /** Contributors of a kind with a real id: not {@code (none)} or {@code (other)}. */
    private static List<String> named(List<Contributor> contributors, String kind) {
        return contributors.stream().filter(c -> c.getKind().equals(kind))
                .map(Contributor::getName).filter(name -> !name.startsWith("(")).toList();
    }

    private static String amount(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}
