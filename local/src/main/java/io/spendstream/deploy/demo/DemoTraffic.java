package io.spendstream.deploy.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.schemas.SpendstreamTopics;

/**
 * Plays {@link DemoScenario} into the raw topics: first a day of minute-level history of the payments team for the
 * value figures ({@link DemoScenario#valueHistory}), then an hour of history (so the detectors have a baseline
 * the moment the demo starts), then one interval every five seconds in real time, each sent when its interval has
 * ended, as a collector would. The incident starts {@code incidentDelay} after the live traffic and lasts
 * {@code incidentLength}, so on-call sees it open and then resolve.
 */
public final class DemoTraffic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoTraffic.class);

    /**
     * How much history to send, and when to inject the incident, relative to the start of live traffic.
     * {@code valueHistory}: how far before the hour live traffic starts in the minute-level history of
     * {@link DemoScenario#valueHistory} begins (zero: none).
     */
    public record Plan(Duration history, Duration incidentDelay, Duration incidentLength, Duration valueHistory) {

        public static Plan standard() {
            return new Plan(Duration.ofMinutes(60), Duration.ofSeconds(15), Duration.ofMinutes(3),
                    Duration.ofHours(24));
        }
    }

    private final KafkaProducer<String, String> producer;
    private final SpendstreamTopics topics;
    private final DemoScenario scenario;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "spendstream-demo-traffic");
        thread.setDaemon(true);
        return thread;
    });

    public DemoTraffic(String bootstrapServers, SpendstreamTopics topics, DemoScenario scenario, Clock clock) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        this.topics = topics;
        this.scenario = scenario;
        this.clock = clock;
    }

    /** Sends the history and schedules live traffic; returns at once. */
    public void start(Plan plan) {
        start(plan, () -> { });
    }

    /**
     * Sends the reference data (tags, model prices), runs {@code referenceDataRead} (which waits until ingest has
     * read the model prices, so that no model call of the history meets an unknown model), then sends the history
     * and schedules live traffic.
     */
    public void start(Plan plan, Runnable referenceDataRead) {
        Instant now = clock.instant();
        Instant liveFrom = align(now);
        // With the value history, the 5-second history starts on a whole minute where the minute history ends, so
        // that no minute is half covered.
        Instant historyFrom = plan.valueHistory().isZero() ? liveFrom.minus(plan.history())
                : liveFrom.minus(plan.history()).truncatedTo(ChronoUnit.MINUTES);
        // The value history: whole minutes from a day before the hour of liveFrom up to the 5-second history; its
        // regression hour is two hours before that hour, so it has closed (and is on spend.value) at start.
        Instant hour = liveFrom.truncatedTo(ChronoUnit.HOURS);
        Instant valueFrom = hour.minus(plan.valueHistory());
        send(scenario.tags(topics, valueFrom.minus(Duration.ofDays(1))));
        send(scenario.prices(topics));
        producer.flush();
        referenceDataRead.run();
        // One record nobody can parse, so spend.dlq shows what a bad record looks like.
        producer.send(new ProducerRecord<>(topics.usageRaw.name(), "demo-bad-row", "{\"EffectiveCost\": \"12,50\""));
        List<ProducerRecord<String, String>> valueHistory = plan.valueHistory().isZero() ? List.of()
                : scenario.valueHistory(topics, valueFrom, historyFrom,
                        hour.minus(Duration.ofHours(2)));
        send(valueHistory);
        int intervals = 0;
        for (Instant t = historyFrom; t.isBefore(liveFrom); t = t.plus(DemoScenario.INTERVAL)) {
            send(scenario.interval(topics, t, false));
            intervals++;
        }
        producer.flush();
        LOG.info("Demo: sent {} of minute history of the payments team ({} records) and {} of history ({} intervals);"
                + " live traffic every {}s, incident on {} in {}s", plan.valueHistory(), valueHistory.size(),
                plan.history(), intervals, DemoScenario.INTERVAL.toSeconds(), scenario.incidentService(),
                plan.incidentDelay().toSeconds());
        Instant incidentStart = liveFrom.plus(plan.incidentDelay());
        Instant incidentEnd = incidentStart.plus(plan.incidentLength());
        long firstDelay = Duration.between(now, liveFrom.plus(DemoScenario.INTERVAL)).toMillis();
        scheduler.scheduleAtFixedRate(() -> sendLiveInterval(incidentStart, incidentEnd), Math.max(0, firstDelay),
                DemoScenario.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendLiveInterval(Instant incidentStart, Instant incidentEnd) {
        try {
            Instant intervalStart = align(clock.instant()).minus(DemoScenario.INTERVAL);
            Instant intervalEnd = intervalStart.plus(DemoScenario.INTERVAL);
            boolean incident = intervalEnd.isAfter(incidentStart) && intervalStart.isBefore(incidentEnd);
            send(scenario.interval(topics, intervalStart, incident));
            producer.flush();
        } catch (RuntimeException e) {
            // A failed send must not cancel the schedule: log it and try the next interval.
            LOG.warn("Demo traffic: sending an interval failed: {}", e.toString());
        }
    }

    private void send(List<ProducerRecord<String, String>> records) {
        records.forEach(producer::send);
    }

    private static Instant align(Instant t) {
        long step = DemoScenario.INTERVAL.toMillis();
        return Instant.ofEpochMilli(t.toEpochMilli() / step * step);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
