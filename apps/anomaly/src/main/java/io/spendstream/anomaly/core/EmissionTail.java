package io.spendstream.anomaly.core;

import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

import io.spendstream.avro.Alert;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The end every detector's emissions share: the anomaly events to {@code spend.anomalies} (counted as records out),
 * and the alerts, returned for the alert gate. Its node names are the detector's prefix and a fixed suffix
 * ({@code <prefix>-events}, {@code -anomalies-out}, {@code -anomalies-sink}, {@code -alert-worthy}, {@code -alerts};
 * {@code -has-anomaly} first when the detector also emits alerts without an anomaly event), the names the detectors
 * had before they shared this code: they are part of the app's state on upgrade and must not change.
 *
 * @param prefix the detector's node-name prefix, e.g. {@code anomaly-drift}
 * @param filtersAlertOnly whether some emissions carry only an alert (the burn-rate stage alerts), so the anomaly
 *        events are filtered first
 */
public record EmissionTail(String prefix, boolean filtersAlertOnly) {

    /** The tail of a detector whose every emission holds an anomaly event. */
    public static EmissionTail of(String prefix) {
        return new EmissionTail(prefix, false);
    }

    /** The tail of a detector that also emits alerts without an anomaly event: those are kept off the sink. */
    public static EmissionTail withAlertOnlyEmissions(String prefix) {
        return new EmissionTail(prefix, true);
    }

    public String hasAnomaly() {
        return prefix + "-has-anomaly";
    }

    public String anomalyEvents() {
        return prefix + "-events";
    }

    public String anomaliesOut() {
        return prefix + "-anomalies-out";
    }

    public String anomaliesSink() {
        return prefix + "-anomalies-sink";
    }

    public String alertWorthy() {
        return prefix + "-alert-worthy";
    }

    public String alerts() {
        return prefix + "-alerts";
    }

    /** Writes the anomaly events of {@code emissions} to {@code spend.anomalies}; returns their alerts. */
    public KStream<String, Alert> write(KStream<String, Emission> emissions, SpendstreamTopics topics,
            PipelineMetrics metrics) {
        KStream<String, Emission> withAnomaly = filtersAlertOnly
                ? emissions.filter((key, emission) -> emission.hasAnomaly(), Named.as(hasAnomaly()))
                : emissions;
        withAnomaly.mapValues(Emission::anomaly, Named.as(anomalyEvents()))
                .peek((key, anomaly) -> metrics.recordOut(Stage.NAME, topics.anomalies.name()),
                        Named.as(anomaliesOut()))
                .to(topics.anomalies.name(), topics.anomalies.produced(anomaliesSink()));
        return emissions.filter((key, emission) -> emission.hasAlert(), Named.as(alertWorthy()))
                .mapValues(Emission::alert, Named.as(alerts()));
    }
}
