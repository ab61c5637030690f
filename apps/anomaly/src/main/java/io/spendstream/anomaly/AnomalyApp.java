package io.spendstream.anomaly;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.anomaly.alerting.AlertGateSettings;
import io.spendstream.anomaly.alerting.AlertGateTopology;
import io.spendstream.anomaly.billing.BillMismatchSettings;
import io.spendstream.anomaly.burn.BurnRateLifecycle;
import io.spendstream.anomaly.burn.BurnRateSettings;
import io.spendstream.anomaly.burn.BurnRateStateSerde;
import io.spendstream.anomaly.contributors.ContributorBaselines;
import io.spendstream.anomaly.contributors.ContributorBaselinesSerde;
import io.spendstream.anomaly.contributors.ContributorSettings;
import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.drift.DriftSettings;
import io.spendstream.anomaly.scopes.DetectionScope;
import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.anomaly.state.DetectorStateSerde;
import io.spendstream.anomaly.unallocated.UnallocatedSurge;
import io.spendstream.avro.Alert;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.runtime.state.ReadThroughStates;
import io.spendstream.schemas.DeadLetterReasons;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The anomaly stream app: detects cost spikes per service and tells on-call.
 *
 * <p>Reads {@code spend.unit-cost} (key service; every update of a window, the last one final, in any order across
 * windows). Keeps one detector state per service (baseline, the recent windows not learned yet, open anomaly) in
 * the RocksDB store {@value #STORE}, changelogged so it survives restarts and moves with its task. Writes every
 * lifecycle event (OPEN, UPDATE, RESOLVED) to {@code spend.anomalies} and FIRING/RESOLVED alerts to
 * {@code spend.alerts}, both keyed by dedup key {@code cost-spike:service:<service>}. The top contributors of an
 * anomaly come from the baselines of each service's resources and SKUs (the children attribution lists on every
 * unit-cost record), kept in the RocksDB store {@value #CONTRIBUTOR_STORE}, changelogged too. Registers the gauge
 * {@code spendstream.anomalies.open} and counts ignored late updates (of windows that settled already) in
 * {@code spendstream.anomaly.late.updates}. Settings: {@link AnomalySettings}. A cost spike of the service
 * {@code unallocated} (spend enrich could not attribute) leaves as an UNALLOCATED_SURGE under the key
 * {@code unallocated-surge:service:unallocated} ({@link UnallocatedSurge}).
 *
 * <p>A second processor on the same stream ({@link DriftTopology}) detects COST_PER_REQUEST_DRIFT per service on
 * settled windows, with its state in the RocksDB stores {@value #DRIFT_STORE} and {@value #DRIFT_CONTRIBUTOR_STORE}
 * (changelogged), and writes its events (key {@code cost-per-request-drift:service:<service>}) to
 * {@code spend.anomalies}. Settings: {@link DriftSettings}.
 *
 * <p>A second, separate sub-topology reads {@code spend.burn-rate} (key budget scope, tombstone = budget deleted),
 * applies the multiwindow burn-rate rules and the staged budget alerts ({@link BurnRateProcessor}) with one state
 * per scope in the RocksDB store {@value #BURN_STORE} (changelogged), and writes BURN_RATE anomaly events (key
 * {@code burn-rate:budget:<scope>}) to {@code spend.anomalies} and their alerts and the stage alerts (key
 * {@code budget-stage:<scope>:<fraction>}) to {@code spend.alerts}. Settings: {@link BurnRateSettings}.
 *
 * <p>A third sub-topology ({@link BillMismatchTopology}) reads {@code spend.reconciliation} and raises BILL_MISMATCH
 * tickets (key {@code bill-mismatch:service:<service>}) when a service's bill differs from its metered estimate by
 * more than {@link BillMismatchSettings}; stores {@value BillMismatchTopology#HOURS_STORE} and
 * {@value BillMismatchTopology#STATE_STORE}.
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

    public static final String NAME = "anomaly";
    public static final String STORE = "anomaly-detector-state";
    public static final String BURN_STORE = "anomaly-burn-rate-state";
    public static final String CONTRIBUTOR_STORE = "anomaly-contributor-baselines";
    public static final String DRIFT_STORE = "anomaly-drift-state";
    public static final String DRIFT_CONTRIBUTOR_STORE = "anomaly-drift-contributor-baselines";

    /**
     * Keys per store and task whose values a detector processor keeps as objects ({@link ReadThroughStates}): every
     * service of a task at the default estate (500 services over 4 partitions), a few MiB per store.
     */
    static final int CACHED_STATES = 256;

    static final String SOURCE = "anomaly-unit-cost-source";
    static final String DETECTOR = "anomaly-cost-spike-detector";
    static final String ANOMALY_EVENTS = "anomaly-events";
    static final String ANOMALIES_OUT = "anomaly-anomalies-out";
    static final String ANOMALIES_SINK = "anomaly-anomalies-sink";
    static final String ALERT_WORTHY = "anomaly-alert-worthy";
    static final String ALERTS = "anomaly-alerts";
    static final String ALERTS_MERGED = "anomaly-alerts-merged";
    static final String UNALLOCATED_SURGE = "anomaly-unallocated-surge";
    static final String SERVICE_SCOPE = "anomaly-service-scope";

    static final String BURN_SOURCE = "anomaly-burn-rate-source";
    static final String BURN_RULES = "anomaly-burn-rate-rules";
    static final String BURN_HAS_ANOMALY = "anomaly-burn-rate-has-anomaly";
    static final String BURN_ANOMALY_EVENTS = "anomaly-burn-rate-events";
    static final String BURN_ANOMALIES_OUT = "anomaly-burn-rate-anomalies-out";
    static final String BURN_ANOMALIES_SINK = "anomaly-burn-rate-anomalies-sink";
    static final String BURN_ALERT_WORTHY = "anomaly-burn-rate-alert-worthy";
    static final String BURN_ALERTS = "anomaly-burn-rate-alerts";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AppTopics topics(SpendstreamTopics topics) {
        return new AppTopics(List.of(topics.unitCost, topics.burnRate, topics.reconciliation, topics.silences,
                topics.tags), List.of(), List.of(topics.anomalies, topics.alerts), topics.dlq);
    }

    @Override
    public List<String> deadLetterReasons() {
        return DeadLetterReasons.Anomaly.ALL;
    }

    @Override
    public Map<String, String> defaults() {
        return Map.of("spendstream.metrics.port", "9404");
    }

    @Override
    public void buildTopology(StreamsBuilder builder, AppContext context) {
        SpendstreamTopics topics = context.topics();
        PipelineMetrics metrics = context.metrics();
        AnomalySettings settings = AnomalySettings.from(context.config());
        CostSpikeLifecycle lifecycle = new CostSpikeLifecycle(new CostDetector(settings.detector()),
                settings.lifecycle());
        OpenAnomalies openAnomalies = new OpenAnomalies(metrics);
        ScopeSettings scopes = ScopeSettings.from(context.config());

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                new DetectorStateSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONTRIBUTOR_STORE),
                Serdes.String(), new ContributorBaselinesSerde()));
        ContributorBaselines contributors = new ContributorBaselines(
                ContributorSettings.from(context.config(), settings.lifecycle()));

        KStream<String, UnitCost> unitCost = builder.stream(topics.unitCost.name(), topics.unitCost.consumed(SOURCE));
        UnallocatedSurge unallocatedSurge = UnallocatedSurge.from(context.config(), settings.lifecycle().resolveScore());
        // The service scope's state and stream always exist (scopes=team drops only its events): switching it off
        // must not change this sub-topology's stores or the other sub-topologies' numbering.
        KStream<String, Emission> emissions = unitCost.process(
                () -> new CostSpikeProcessor(lifecycle, contributors, metrics, openAnomalies), Named.as(DETECTOR),
                STORE, CONTRIBUTOR_STORE).map(unallocatedSurge::retype, Named.as(UNALLOCATED_SURGE))
                .filter((key, emission) -> scopes.detects(DetectionScope.SERVICE), Named.as(SERVICE_SCOPE));

        emissions.mapValues(Emission::anomaly, Named.as(ANOMALY_EVENTS))
                .peek((key, anomaly) -> metrics.recordOut(NAME, topics.anomalies.name()), Named.as(ANOMALIES_OUT))
                .to(topics.anomalies.name(), topics.anomalies.produced(ANOMALIES_SINK));
        KStream<String, Alert> costSpikeAlerts = emissions
                .filter((key, emission) -> emission.hasAlert(), Named.as(ALERT_WORTHY))
                .mapValues(Emission::alert, Named.as(ALERTS));

        KStream<String, Alert> burnRateAlerts = buildBurnRate(builder, topics, metrics,
                new BurnRateLifecycle(BurnRateSettings.from(context.config())), openAnomalies);

        KStream<String, Alert> driftAlerts = DriftTopology.build(builder, unitCost, topics, metrics,
                DriftSettings.from(context.config(), settings), ContributorSettings.from(context.config(),
                        settings.lifecycle()), openAnomalies);

        // One gate for all: their alerts meet in the gate's repartition topic, keyed by dedup key.
        KStream<String, Alert> billMismatchAlerts = BillMismatchTopology.build(builder, topics, metrics,
                BillMismatchSettings.from(context.config()), BillingHorizon.from(context.config()), openAnomalies);

        KStream<String, Alert> serviceBurnRateAndDrift = costSpikeAlerts
                .merge(burnRateAlerts, Named.as(ALERTS_MERGED))
                .merge(driftAlerts, Named.as(DriftTopology.ALERTS_MERGED))
                .merge(billMismatchAlerts, Named.as(BillMismatchTopology.ALERTS_MERGED));
        KStream<String, Alert> alerts = ScopeTopology.build(builder, unitCost, topics, metrics, scopes, lifecycle,
                        contributors, openAnomalies)
                .map(scope -> serviceBurnRateAndDrift.merge(scope, Named.as(ScopeTopology.ALERTS_MERGED)))
                .orElse(serviceBurnRateAndDrift);
        AlertGateTopology.build(builder, alerts, topics, metrics, AlertGateSettings.from(context.config()), NAME);
    }

    private static KStream<String, Alert> buildBurnRate(StreamsBuilder builder, SpendstreamTopics topics, PipelineMetrics metrics,
            BurnRateLifecycle lifecycle, OpenAnomalies openAnomalies) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BURN_STORE),
                Serdes.String(), new BurnRateStateSerde()));

        KStream<String, BurnRate> burnRate = builder.stream(topics.burnRate.name(),
                topics.burnRate.consumed(BURN_SOURCE));
        KStream<String, Emission> emissions = burnRate.process(
                () -> new BurnRateProcessor(lifecycle, metrics, openAnomalies), Named.as(BURN_RULES), BURN_STORE);

        emissions.filter((key, emission) -> emission.hasAnomaly(), Named.as(BURN_HAS_ANOMALY))
                .mapValues(Emission::anomaly, Named.as(BURN_ANOMALY_EVENTS))
                .peek((key, anomaly) -> metrics.recordOut(NAME, topics.anomalies.name()), Named.as(BURN_ANOMALIES_OUT))
                .to(topics.anomalies.name(), topics.anomalies.produced(BURN_ANOMALIES_SINK));
        return emissions.filter((key, emission) -> emission.hasAlert(), Named.as(BURN_ALERT_WORTHY))
                .mapValues(Emission::alert, Named.as(BURN_ALERTS));
    }
}
