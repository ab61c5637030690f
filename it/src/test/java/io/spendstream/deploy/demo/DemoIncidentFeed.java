package io.spendstream.deploy.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.spendstream.schemas.SpendstreamTopics;

/**
 * What the broker-backed tests feed a running pipeline: the demo's tags, 40 minutes of history for the detectors to
 * learn from, one malformed FOCUS row (a dead letter), 3 minutes of the demo incident, then {@code quietAfter} of
 * normal traffic so the incident can resolve. Live traffic ends about now, so nothing waits on event time.
 */
public final class DemoIncidentFeed {

    public static final Duration HISTORY = Duration.ofMinutes(40);
    public static final Duration INCIDENT = Duration.ofMinutes(3);

    private DemoIncidentFeed() {
    }

    public static void send(String bootstrapServers, SpendstreamTopics topics, DemoScenario scenario,
            Duration quietAfter) {
        Instant liveFrom = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
        Instant historyFrom = liveFrom.minus(HISTORY);
        Instant incidentEnd = liveFrom.plus(INCIDENT);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            scenario.tags(topics, historyFrom.minus(Duration.ofDays(1))).forEach(producer::send);
            producer.flush();
            for (Instant t = historyFrom; t.isBefore(liveFrom); t = t.plus(DemoScenario.INTERVAL)) {
                scenario.interval(topics, t, false).forEach(producer::send);
            }
            producer.send(new ProducerRecord<>(topics.usageRaw.name(), "bad", "{\"EffectiveCost\": oops"));
            for (Instant t = liveFrom; t.isBefore(incidentEnd.plus(quietAfter)); t = t.plus(DemoScenario.INTERVAL)) {
                scenario.interval(topics, t, t.isBefore(incidentEnd)).forEach(producer::send);
            }
            producer.flush();
        }
    }
}
