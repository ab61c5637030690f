package io.spendstream.anomaly;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.anomaly.billing.BillMismatchSettings;
import io.spendstream.anomaly.billing.BillMismatchTopology;
import io.spendstream.anomaly.burn.BurnRateSettings;
import io.spendstream.anomaly.burn.BurnRateTopology;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorSettings;
import io.spendstream.anomaly.core.AnomalySettings;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.drift.DriftSettings;
import io.spendstream.anomaly.drift.DriftTopology;
import io.spendstream.anomaly.gate.AlertGateSettings;
import io.spendstream.anomaly.gate.AlertGateTopology;
import io.spendstream.anomaly.scopes.DetectionScope;
import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.anomaly.scopes.ScopeTopology;
import io.spendstream.anomaly.spike.CostSpikeTopology;
import io.spendstream.anomaly.spike.UnallocatedSurge;
import io.spendstream.anomaly.value.ValueAnomalySettings;
import io.spendstream.anomaly.value.ValueAnomalyTopology;
import io.spendstream.avro.Alert;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The anomaly stream app: detects cost spikes per service and tells on-call.
 *
 * <p>Reads {@code spend.unit-cost} (key service; every update of a window, the last one final, in any order across
 * windows). Keeps one detector state per service (baseline, the recent windows not learned yet, open anomaly) in
 * the RocksDB store {@value CostSpikeTopology#STORE}, changelogged so it survives restarts and moves with its task. Writes every
 * lifecycle event (OPEN, UPDATE, RESOLVED) to {@code spend.anomalies} and FIRING/RESOLVED alerts to
 * {@code spend.alerts}, both keyed by dedup key {@code cost-spike:service:<service>}. The top contributors of an
 * anomaly come from the baselines of each service's resources and SKUs (the children attribution lists on every
 * unit-cost record), kept in the RocksDB store {@value CostSpikeTopology#CONTRIBUTOR_STORE} and its pending store
 * ({@link io.spendstream.anomaly.contributors.ContributorStates}), changelogged too. Registers the gauge
 * {@code spendstream.anomalies.open} and counts ignored late updates (of windows that settled already) in
 * {@code spendstream.anomaly.late.updates}. Settings: {@link AnomalySettings}. A cost spike of the service
 * {@code unallocated} (spend enrich could not attribute) leaves as an UNALLOCATED_SURGE under the key
 * {@code unallocated-surge:service:unallocated} ({@link UnallocatedSurge}).
 *
 * <p>A second processor on the same stream ({@link DriftTopology}) detects COST_PER_REQUEST_DRIFT per service on
 * settled windows, with its state in the RocksDB stores {@value DriftTopology#STORE} and {@value DriftTopology#CONTRIBUTOR_STORE}
 * (changelogged), and writes its events (key {@code cost-per-request-drift:service:<service>}) to
 * {@code spend.anomalies}. Settings: {@link DriftSettings}.
 *
 * <p>A second, separate sub-topology reads {@code spend.burn-rate} (key budget scope, tombstone = budget deleted),
 * applies the multiwindow burn-rate rules and the staged budget alerts ({@link BurnRateTopology}) with one state
 * per scope in the RocksDB store {@value BurnRateTopology#STORE} (changelogged), and writes BURN_RATE anomaly events (key
 * {@code burn-rate:budget:<scope>}) to {@code spend.anomalies} and their alerts and the stage alerts (key
 * {@code budget-stage:<scope>:<fraction>}) to {@code spend.alerts}. Settings: {@link BurnRateSettings}.
 *
 * <p>A third sub-topology ({@link BillMismatchTopology}) reads {@code spend.reconciliation} and raises BILL_MISMATCH
 * tickets (key {@code bill-mismatch:service:<service>}) when a service's bill differs from its metered estimate by
 * more than {@link BillMismatchSettings}; stores {@value BillMismatchTopology#HOURS_STORE} and
 * {@value BillMismatchTopology#STATE_STORE}.
 *
 * <p>A fourth sub-topology ({@link ValueAnomalyTopology}) reads {@code spend.value} and raises UNPROFITABLE_SCALING
 * tickets (key {@code unprofitable-scaling:service:<service>}: marginal cost per request above revenue per request
 * for {@link ValueAnomalySettings#unprofitableHours} hours in a row) and LATENCY_REVENUE_LOSS tickets (key
 * {@code latency-revenue-loss:service:<service>}); store {@value ValueAnomalyTopology#STORE}.
 *
 * <p>The same detection runs per team (and, opt-in, per resource and per SKU) in {@link ScopeTopology}: the
 * services' parts of each scope repartitioned by scope key, summed per window, dedup key
 * {@code cost-spike:team:<team>}. {@code spendstream.anomaly.scopes} ({@link ScopeSettings}) chooses the scopes.
 *
 * <p>The alerts of all of them reach {@code spend.alerts} only through the alert gate ({@link AlertGateTopology}: one alert
 * per dedup key while open, cooldown after resolve, maintenance silences from {@code spend.silences}, grouping under
 * a team's burn-rate alert, service owners from {@code spend.tags}), behind the repartition topic
 * {@code anomaly-alert-gate}. Settings: {@link AlertGateSettings}.
 */
public final class AnomalyApp implements StreamsApp {

    public static final String NAME = Stage.NAME;

    /** The app's one source of {@code spend.unit-cost}: cost spikes, drift and the scopes all read it. */
    static final String SOURCE = "anomaly-unit-cost-source";
    /** The merge of the cost-spike and burn-rate alerts, the first of the gate's input merges. */
    static final String ALERTS_MERGED = "anomaly-alerts-merged";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppTopics topics(SpendstreamTopics topics) {
        return new AppTopics(List.of(topics.unitCost, topics.burnRate, topics.reconciliation, topics.silences,
                topics.tags, topics.value), List.of(), List.of(topics.anomalies, topics.alerts), topics.dlq);
    }

    @Override
    public List<String> deadLetterReasons() {
        return DeadLetterReasons.Anomaly.ALL;
    }

    /**
     * {@code max.task.idle.ms} -1: Kafka Streams never holds a task back to wait for records of one of its input
     * partitions that are on the broker but not fetched yet. Sub-topology 0 reads seven topics only because every
     * detection's alerts merge there on their way to the gate's repartition topic; no processor in it combines two of
     * them (each detector and its store read one topic, {@code AnomalyTopologyDescriptionTest} holds that), so their
     * relative order changes no detector's result, and the gate already receives its alerts, silences and owners from
     * four tasks in no synchronised order. Sub-topology 1 (the gate) has one input, where idling is moot. With the
     * default 0, Kafka 4.3.1 formats a log message for every empty input partition on every readiness check
     * ({@code PartitionGroup.readyToProcess}): 16.8% of the anomaly stream thread's CPU samples in the bench (issue
     * 18), for the five inputs that stay empty there (burn rate, reconciliation, value, silences, tags).
     */
    @Override
    public Map<String, String> defaults() {
        return Map.of("spendstream.metrics.port", "9404", "max.task.idle.ms", "-1");
    }

    /**
     * One call per detection, in the order that fixes the sub-topologies' numbering (their names are the app's state
     * on upgrade: {@code AnomalyTopologyDescriptionTest} holds them).
     */
    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        SpendstreamTopics topics = context.topics();
        PipelineMetrics metrics = context.metrics();
        SpendstreamConfig config = context.config();
        AnomalySettings settings = AnomalySettings.from(config);
        // Shared by the service and the scope detection: the same lifecycle, the same contributor settings.
        CostSpikeLifecycle lifecycle = settings.newLifecycle();
        ContributorSettings contributorSettings = ContributorSettings.from(config, settings.lifecycle());
        ContributorBaselines contributors = new ContributorBaselines(contributorSettings);
        OpenAnomalies openAnomalies = new OpenAnomalies(metrics);
        ScopeSettings scopes = ScopeSettings.from(config);

        CostSpikeTopology.addStores(builder);
        KStream<String, UnitCost> unitCost = builder.stream(topics.unitCost.name(), topics.unitCost.consumed(SOURCE));
        KStream<String, Alert> costSpikeAlerts = CostSpikeTopology.build(unitCost, topics, metrics, lifecycle,
                contributors, UnallocatedSurge.from(config, settings.lifecycle().resolveScore()),
                scopes.detects(DetectionScope.SERVICE), openAnomalies);
        KStream<String, Alert> burnRateAlerts = BurnRateTopology.build(builder, topics, metrics,
                BurnRateSettings.from(config), openAnomalies);
        KStream<String, Alert> driftAlerts = DriftTopology.build(unitCost, topics, metrics,
                DriftSettings.from(config, settings), contributorSettings, openAnomalies);
        KStream<String, Alert> billMismatchAlerts = BillMismatchTopology.build(builder, topics, metrics,
                BillMismatchSettings.from(config), BillingHorizon.from(config), openAnomalies);
        KStream<String, Alert> valueAlerts = ValueAnomalyTopology.build(builder, topics, metrics,
                ValueAnomalySettings.from(config), openAnomalies);

        // One gate for all: their alerts meet in the gate's repartition topic, keyed by dedup key.
        KStream<String, Alert> serviceBurnRateAndDrift = costSpikeAlerts
                .merge(burnRateAlerts, Named.as(ALERTS_MERGED))
                .merge(driftAlerts, Named.as(DriftTopology.ALERTS_MERGED))
                .merge(billMismatchAlerts, Named.as(BillMismatchTopology.ALERTS_MERGED))
                .merge(valueAlerts, Named.as(ValueAnomalyTopology.ALERTS_MERGED));
        KStream<String, Alert> alerts = ScopeTopology.build(builder, unitCost, topics, metrics, scopes, lifecycle,
                        contributors, openAnomalies)
                .map(scope -> serviceBurnRateAndDrift.merge(scope, Named.as(ScopeTopology.ALERTS_MERGED)))
                .orElse(serviceBurnRateAndDrift);
        AlertGateTopology.build(builder, alerts, topics, metrics, AlertGateSettings.from(config),
                InputLimits.from(config), NAME);
    }
}
