package io.spendstream.anomaly.gate;

import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.anomaly.avro.AlertGateEvent;
import io.spendstream.anomaly.avro.SilenceRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;
import io.spendstream.runtime.dlq.DeadLetterRoute;
import io.spendstream.runtime.input.InputLimits;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The alert gate between the detectors and {@code spend.alerts} (see {@link AlertGate} for the rules).
 *
 * <p>Reads the detectors' alerts (key = dedup key), {@code spend.silences} (key = silence id, JSON, null deletes;
 * invalid records go to {@code spend.dlq} through {@link DeadLetterRoute}) and {@code spend.tags} (for which team
 * owns a service). All of them go through one named repartition topic, {@value #REPARTITION} (partitioned by
 * {@link GatePartitioner}): alerts by dedup key, so each key has one owner task whatever sub-topology raised it;
 * silences, parent (burn-rate) alert states and service owners to every partition, so each gate task has them all.
 * Writes {@code spend.alerts} (key = dedup key). Stores: {@value #GATE_STORE}, {@value #SILENCE_STORE},
 * {@value #GROUP_STORE}, {@value #TEAM_STORE} (RocksDB, changelogged).
 */
public final class AlertGateTopology {

    public static final String GATE_STORE = "anomaly-alert-gate";
    public static final String SILENCE_STORE = "anomaly-alert-silences";
    public static final String GROUP_STORE = "anomaly-alert-groups";
    public static final String TEAM_STORE = "anomaly-alert-teams";

    /** The repartition topic is {@code <application.id>-anomaly-alert-gate-repartition}. */
    public static final String REPARTITION = "anomaly-alert-gate";

    /** Alerts written to {@code spend.alerts} by the gate, tagged {@code status} (firing, resolved). */
    public static final String EMITTED = "spendstream.anomaly.alerts.emitted";
    /**
     * Alerts the gate did not write, tagged {@code reason}: {@code duplicate} (FIRING for a key already fired at that
     * severity or higher; RESOLVED for one already resolving), {@code cooldown} (FIRING during a held resolve),
     * {@code silenced}, {@code not-open} (RESOLVED for a key that never fired), {@code group-wait} (a FIRING held for
     * its group wait that resolved before it went out: it and its RESOLVED, 2).
     */
    public static final String SUPPRESSED = "spendstream.anomaly.alerts.suppressed";
    /** Alerts that joined a parent's group when first written. */
    public static final String GROUPED = "spendstream.anomaly.alerts.grouped";
    /** First FIRINGs held for {@code group-wait} because a parent might still open for them. */
    public static final String WAITED = "spendstream.anomaly.alerts.waited";

    /**
     * Tag records that are not a JSON object or name a service or team longer than the input limit (enrich
     * dead-letters them; here they are only counted).
     */
    public static final String TAGS_UNREADABLE = "spendstream.anomaly.alerts.tags.unreadable";

    static final String ALERT_EVENTS = "anomaly-alert-gate-alerts";
    static final String PARENTS = "anomaly-alert-gate-parents";
    static final String GROUP_EVENTS = "anomaly-alert-gate-group-events";
    static final String SILENCE_SOURCE = "anomaly-silences-source";
    static final String SILENCE_PARSE = "anomaly-silences";
    static final String TAG_SOURCE = "anomaly-tags-source";
    static final String TAG_OWNERS = "anomaly-tag-owners";
    static final String MERGE_GROUPS = "anomaly-alert-gate-merge-groups";
    static final String MERGE_SILENCES = "anomaly-alert-gate-merge-silences";
    static final String MERGE_TEAMS = "anomaly-alert-gate-merge-teams";
    static final String GATE = "anomaly-alert-gate-processor";
    static final String ALERTS_OUT = "anomaly-alerts-out";
    static final String ALERTS_SINK = "anomaly-alerts-sink";

    private AlertGateTopology() {
    }

    public static void build(StreamsBuilder builder, KStream<String, Alert> alerts, SpendstreamTopics topics,
            PipelineMetrics metrics, AlertGateSettings settings, InputLimits limits, String stage) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GATE_STORE),
                Serdes.String(), GateState.SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SILENCE_STORE),
                Serdes.String(), new PrivateAvroSerde<>(SilenceRecord.class, "silence")));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUP_STORE),
                Serdes.String(), AlertCodec.SERDE));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEAM_STORE),
                Serdes.String(), Serdes.String()));

        KStream<String, AlertGateEvent> alertEvents = alerts.mapValues(GateEvents::alert, Named.as(ALERT_EVENTS));
        KStream<String, AlertGateEvent> groupEvents = alerts
                .filter((key, alert) -> AlertGate.isParent(alert), Named.as(PARENTS))
                .mapValues(GateEvents::group, Named.as(GROUP_EVENTS));
        KStream<String, AlertGateEvent> silenceEvents = DeadLetterRoute.parse(
                builder.stream(topics.silences.name(), topics.silences.consumed(SILENCE_SOURCE)), SILENCE_PARSE,
                stage, new SilenceParser(limits), topics, metrics);
        KStream<String, AlertGateEvent> teamEvents = builder
                .stream(topics.tags.name(), topics.tags.consumed(TAG_SOURCE))
                .flatMap((resource, tag) -> owner(tag, limits, metrics, stage), Named.as(TAG_OWNERS));

        alertEvents.merge(groupEvents, Named.as(MERGE_GROUPS))
                .merge(silenceEvents, Named.as(MERGE_SILENCES))
                .merge(teamEvents, Named.as(MERGE_TEAMS))
                .repartition(Repartitioned.<String, AlertGateEvent>as(REPARTITION)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(new PrivateAvroSerde<>(AlertGateEvent.class, "alert-gate event"))
                        .withStreamPartitioner(new GatePartitioner()))
                .process(() -> new AlertGateProcessor(settings, metrics, stage), Named.as(GATE), GATE_STORE, SILENCE_STORE,
                        GROUP_STORE, TEAM_STORE)
                .peek((key, alert) -> metrics.recordOut(stage, topics.alerts.name()), Named.as(ALERTS_OUT))
                .to(topics.alerts.name(), topics.alerts.produced(ALERTS_SINK));
    }

    private static List<KeyValue<String, AlertGateEvent>> owner(byte[] tag, InputLimits limits,
            PipelineMetrics metrics, String stage) {
        try {
            return ServiceTeams.owner(tag, limits)
                    .map(o -> List.of(KeyValue.pair(o.service(), GateEvents.team(o.service(), o.team()))))
                    .orElse(List.of());
        } catch (IllegalArgumentException e) {
            metrics.counter(TAGS_UNREADABLE, "stage", stage).increment();
            return List.of();
        }
    }
}
