package io.spendstream.deploy.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.spendstream.deploy.local.LocalPipeline;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * What the broker-backed tests feed a running pipeline: the demo's tags and model prices (waiting until ingest has
 * read the prices), 40 minutes of history for the detectors to learn from, one malformed FOCUS row (a dead letter),
 * 3 minutes of the demo incident, then {@code quietAfter} of normal traffic so the incident can resolve. Live traffic
 * ends about now, so nothing waits on event time.
 */
public final class DemoIncidentFeed {

    public static final Duration HISTORY = Duration.ofMinutes(40);
    public static final Duration INCIDENT = Duration.ofMinutes(3);

    private DemoIncidentFeed() {
    }

    public static void send(LocalPipeline pipeline, SpendstreamTopics topics, DemoScenario scenario,
            Duration quietAfter) {
        send(pipeline, topics, scenario, quietAfter, record -> true);
    }

    /** Sends only the traffic records (tags, usage, APM, traces) that {@code which} accepts. */
    public static void send(LocalPipeline pipeline, SpendstreamTopics topics, DemoScenario scenario,
            Duration quietAfter, Predicate<ProducerRecord<String, String>> which) {
        String bootstrapServers = pipeline.bootstrapServers();
        Instant liveFrom = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(5));
        Instant historyFrom = liveFrom.minus(HISTORY);
        Instant incidentEnd = liveFrom.plus(INCIDENT);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            scenario.tags(topics, historyFrom.minus(Duration.ofDays(1))).stream().filter(which)
                    .forEach(producer::send);
            scenario.prices(topics).forEach(producer::send);
            producer.flush();
            pipeline.awaitPrices(DemoScenario.priceKeys(), Duration.ofSeconds(60));
            for (Instant t = historyFrom; t.isBefore(liveFrom); t = t.plus(DemoScenario.INTERVAL)) {
                scenario.interval(topics, t, false).stream().filter(which).forEach(producer::send);
            }
            producer.send(new ProducerRecord<>(topics.usageRaw.name(), "bad", "{\"EffectiveCost\": oops"));
            for (Instant t = liveFrom; t.isBefore(incidentEnd.plus(quietAfter)); t = t.plus(DemoScenario.INTERVAL)) {
                scenario.interval(topics, t, t.isBefore(incidentEnd)).stream().filter(which).forEach(producer::send);
            }
            producer.flush();
        }
    }
}
