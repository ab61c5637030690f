package io.spendstream.deploy.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.spendstream.avro.Alert;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.config.ConnectionException;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.ClientMeters;
import io.spendstream.runtime.outage.OutageWatch;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;
import io.spendstream.schemas.registry.SchemaRegistryException;

/**
 * Forwards {@code spend.alerts} to Alertmanager and to webhooks, at least once: a record's offset is committed only
 * after every target accepted it (or rejected it for good, which dead-letters it to {@code spend.dlq}). A target
 * that is down holds up delivery, in order, until it is back; meanwhile the consumer stays in its group (it polls
 * with its partitions paused) and firing alerts are still re-posted to Alertmanager.
 *
 * <p><b>What is firing</b> ({@link FiringAlerts}) is kept in memory and re-posted to Alertmanager every
 * {@code repostInterval}, because Alertmanager resolves an alert that is not re-sent before its endsAt. After a
 * start or a rebalance it is rebuilt from the topic itself: each assigned partition is read from its beginning up to
 * the group's committed offset <em>without sending anything</em> (those events were delivered before), the firing
 * set is re-posted to Alertmanager once (harmless: Alertmanager dedups by labels and does not notify again), and
 * delivery resumes at the committed offset. A partition the group has never committed (first start) is read the
 * same way up to its current end, and that end is committed: a new notifier tells Alertmanager what is firing now
 * but does not replay old events to webhooks. This needs {@code spend.alerts} to keep its history (Spendstream
 * creates it with unbounded time retention) and costs one read of it per start, which is small: alerts are rare.
 * A compacted snapshot topic would make the read shorter, at the price of a second source of truth.
 *
 * <p>{@link #health()} follows this life cycle for {@code /health} and {@code /ready}: ready once the rebuild of
 * every owned partition is done (see {@link NotifierHealth}).
 */
public final class AlertNotifier implements AutoCloseable {

    /** Where the consumer group commits, how often to re-post, how to back off. */
    public record Settings(String groupId, Duration repostInterval, Backoff backoff) {
    }

    public static final String STAGE = "notify";

    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** Short polls while a retry waits: the wait stays close to the backoff and a stop is noticed quickly. */
    private static final Duration KEEP_ALIVE_POLL = Duration.ofMillis(200);
    private static final Duration SUMMARY_EVERY = Duration.ofMinutes(5);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final DeadLetterWriter deadLetters;
    private final Topic<String, Alert> alerts;
    private final List<AlertTarget> targets = new ArrayList<>();
    private final Settings settings;
    private final NotifyMetrics metrics;
    private final Clock clock;
    private final RetryingSender sender;
    private final FiringAlerts firing = new FiringAlerts();
    /** Null when there is no Alertmanager to re-post to. */
    private final Reposter reposter;
    /** Partitions being read to rebuild the firing set, and the offset where delivery starts again. */
    private final Map<TopicPartition, Long> replayUntil = new HashMap<>();
    private final Map<TopicPartition, Long> replayed = new HashMap<>();
    /** Offsets delivered to every target and not yet committed. */
    private final Map<TopicPartition, OffsetAndMetadata> delivered = new HashMap<>();
    /** Partitions the rebalance listener has just positioned (their position must not be overwritten). */
    private final Set<TopicPartition> repositioned = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Ends what waits for the registry (made by {@link #create}). */
    private Runnable onStop = () -> { };
    /** Registers the schemas it writes (made by {@link #create}). */
    private Runnable beforeRun = () -> { };
    private final NotifierHealth health;
    private boolean assignmentChanged;
    private Instant nextSummary;

    /**
     * @param alertmanager null when only webhooks are configured
     * @param consumer     read_committed, auto commit off, subscribed by {@link #run()}
     */
    public AlertNotifier(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetterProducer,
            Topic<String, Alert> alerts, Topic<byte[], DeadLetter> deadLetters, AlertmanagerTarget alertmanager,
            List<? extends AlertTarget> webhooks, Settings settings, NotifyMetrics metrics, Clock clock) {
        requireTarget(alertmanager, webhooks);
        this.consumer = consumer;
        this.deadLetterProducer = deadLetterProducer;
        this.health = new NotifierHealth(settings.groupId());
        this.deadLetters = new DeadLetterWriter(deadLetterProducer, deadLetters, settings.groupId());
        this.alerts = alerts;
        this.reposter = alertmanager == null ? null
                : new Reposter(alertmanager, firing, settings.repostInterval(), metrics, clock);
        if (alertmanager != null) {
            targets.add(alertmanager);
        }
        targets.addAll(webhooks);
        this.settings = settings;
        this.metrics = metrics;
        metrics.expect(targets, alerts.name(), alertmanager);
        this.clock = clock;
        this.sender = new RetryingSender(settings.backoff(), () -> ThreadLocalRandom.current().nextDouble(),
                this::keepAlive, metrics);
        this.nextSummary = clock.instant().plus(SUMMARY_EVERY);
    }

    /** A notifier with its own Kafka consumer and dead-letter producer, from the resolved configuration. */
    public static AlertNotifier create(SpendstreamConfig config, AlertmanagerTarget alertmanager,
            List<? extends AlertTarget> webhooks, Settings settings, NotifyMetrics metrics) {
        requireTarget(alertmanager, webhooks);
        // As the stream apps do: an alert whose schema id is new waits out a registry outage instead of being
        // dead-lettered, and the dead-letter schema is registered now, so that a dead letter never needs the registry.
        OutageWatch outages = new OutageWatch(settings.groupId(), metrics.meters(), Clock.systemUTC());
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(config.asMap()),
                SchemaRegistryClients.waitingOutOutages(config.asMap(), outages.registryWaits()));
        KafkaConsumer<byte[], byte[]> consumer = NotifierKafkaClients.consumer(config, settings.groupId());
        try {
            AlertNotifier notifier = new AlertNotifier(consumer, NotifierKafkaClients.deadLetterProducer(config),
                    topics.alerts, topics.dlq, alertmanager, webhooks, settings, metrics, Clock.systemUTC());
            notifier.onStop = outages::close;
            // In run(), once the endpoint serves: a registry that is down is waited for (/ready 503 meanwhile).
            notifier.beforeRun = () -> {
                try {
                    topics.registerSchemas();
                } catch (SchemaRegistryException e) {
                    throw new ConnectionException(e.getMessage() + " (" + SchemaRegistryClients.URL + "="
                            + config.get(SchemaRegistryClients.URL, "?") + ")", e);
                }
            };
            return notifier;
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            outages.close();
            throw e;
        }
    }

    private static void requireTarget(AlertmanagerTarget alertmanager, List<? extends AlertTarget> webhooks) {
        if (alertmanager == null && webhooks.isEmpty()) {
            throw new IllegalArgumentException("Nowhere to send alerts: give --alertmanager URL and/or --webhook URL");
        }
    }

    /** Delivers until {@link #stop()} is called (from another thread). */
    public void run() {
        try {
            beforeRun.run();
        } catch (RuntimeException e) {
            if (!running.get()) {
                // Stopped while it waited for the registry.
                health.stopped();
                return;
            }
            throw e;
        }
        consumer.subscribe(List.of(alerts.name()), new Rebalance());
        LOG.info("Forwarding {} to {} (consumer group {}, firing alerts re-posted every {})", alerts.name(),
                targets.stream().map(AlertTarget::name).toList(), settings.groupId(), settings.repostInterval());
        try {
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                assignmentChanged = false;
                repositioned.clear();
                Map<TopicPartition, Long> next = new HashMap<>();
                records.partitions().forEach(tp -> next.put(tp, records.records(tp).get(0).offset()));
                try {
                    for (TopicPartition tp : records.partitions()) {
                        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                            handle(tp, record);
                            next.put(tp, record.offset() + 1);
                        }
                    }
                } catch (AssignmentChanged e) {
                    rewind(next);
                }
                finishReplays();
                commitDelivered();
                repostIfDue();
                logSummaryIfDue();
                health.progressed(consumer.assignment().size(), replayUntil.size());
            }
        } catch (WakeupException | Stopped e) {
            if (running.get()) {
                health.failed(e);
                throw e;
            }
        } catch (RuntimeException | Error e) {
            // Said on /health before the exception leaves: an embedding process may outlive the loop.
            health.failed(e);
            throw e;
        } finally {
            commitDeliveredQuietly();
            health.stopped();
            LOG.info("Stopped forwarding {}: {}", alerts.name(), summary());
        }
    }

    /** Makes {@link #run()} return soon; an event still being retried is delivered again on the next start. */
    public void stop() {
        running.set(false);
        onStop.run();
        consumer.wakeup();
    }

    /** What {@code /health} and {@code /ready} report (see {@link NotifierHealth}). */
    public NotifierHealth health() {
        return health;
    }

    /**
     * Binds the consumer's and the dead-letter producer's client metrics ({@code kafka_consumer_*},
     * {@code kafka_producer_*}) and the JVM meters to {@code registry}; the caller closes the result.
     */
    public ClientMeters bindClientMeters(MeterRegistry registry) {
        return ClientMeters.bind(List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(deadLetterProducer)),
                registry);
    }

    /** How many alerts are firing in the partitions this instance owns. */
    public int firingCount() {
        return firing.size();
    }

    private void handle(TopicPartition tp, ConsumerRecord<byte[], byte[]> record) {
        Long until = replayUntil.get(tp);
        if (until != null && record.offset() < until) {
            replay(tp, record);
            return;
        }
        Alert alert;
        try {
            alert = alerts.value(record);
        } catch (RuntimeException e) {
            if (!running.get()) {
                // Stopped while it waited for the registry: not undecodable, read again on the next start.
                throw new Stopped();
            }
            metrics.failed(alerts.name(), "undecodable");
            LOG.error("{}-{}@{} is not an Alert ({}); sent to {}", tp.topic(), tp.partition(), record.offset(),
                    e.getMessage(), deadLetters.topicName());
            deadLetter(record, FailurePhase.DESERIALIZATION, "deserialization-error", e.getMessage(), e);
            delivered.put(tp, new OffsetAndMetadata(record.offset() + 1));
            return;
        }
        // The firing set changes before delivery: a re-post made while this event is still being retried must not
        // re-open an alert whose RESOLVED is on its way.
        Alert replaced = firing.apply(tp.partition(), alert);
        AlertEvent event = AlertEvent.of(alert, record.topic(), record.partition(), record.offset(), replaced);
        metrics.firing(firing.size());
        String what = alert.getStatus() + " " + alert.getDedupKey() + " (" + event.id() + ")";
        for (AlertTarget target : targets) {
            PostResult result = sendInterruptibly(target, () -> target.eventBody(event, clock.instant()), what);
            if (result.outcome() == PostResult.Outcome.REJECTED) {
                deadLetter(record, FailurePhase.PRODUCTION, "rejected-by-target",
                        target.name() + " rejected the alert: " + result.detail(), null);
            }
        }
        delivered.put(tp, new OffsetAndMetadata(record.offset() + 1));
    }

    private void replay(TopicPartition tp, ConsumerRecord<byte[], byte[]> record) {
        replayed.merge(tp, 1L, Long::sum);
        try {
            firing.apply(tp.partition(), alerts.value(record));
        } catch (RuntimeException e) {
            // Dead-lettered when it was first delivered.
            LOG.debug("Skipping undecodable {}-{}@{} while rebuilding the firing set", tp.topic(), tp.partition(),
                    record.offset());
        }
    }

    private PostResult sendInterruptibly(AlertTarget target, java.util.function.Supplier<String> body, String what) {
        health.sending(target.name(), clock.instant());
        try {
            return sender.send(target, body, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        } finally {
            health.sent();
        }
    }

    /**
     * The wait between two attempts: polls with every partition paused, so the consumer keeps its group membership
     * however long the target is down, and re-posts firing alerts when due. A rebalance in between aborts the
     * current batch (the records of a lost partition belong to another instance now; kept ones are read again).
     */
    private void keepAlive(Duration wait) {
        Instant until = clock.instant().plus(wait);
        Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
        consumer.pause(paused);
        try {
            while (true) {
                if (!running.get()) {
                    throw new Stopped();
                }
                Duration left = Duration.between(clock.instant(), until);
                if (left.isNegative() || left.isZero()) {
                    return;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(
                        left.compareTo(KEEP_ALIVE_POLL) < 0 ? left : KEEP_ALIVE_POLL);
                // Only partitions assigned during this poll (not paused) can return records: read them again later.
                records.partitions().forEach(tp -> consumer.seek(tp, records.records(tp).get(0).offset()));
                if (assignmentChanged || !records.isEmpty()) {
                    throw new AssignmentChanged();
                }
                repostIfDue();
            }
        } finally {
            Set<TopicPartition> stillOwned = new HashSet<>(paused);
            stillOwned.retainAll(consumer.assignment());
            consumer.resume(stillOwned);
        }
    }

    /** After an aborted batch: read the undelivered records of the partitions we kept again. */
    private void rewind(Map<TopicPartition, Long> next) {
        Set<TopicPartition> owned = consumer.assignment();
        next.forEach((tp, offset) -> {
            if (owned.contains(tp) && !repositioned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
        LOG.info("Partitions of {} were reassigned while an event was being retried; resuming from the last "
                + "delivered offsets", alerts.name());
    }

    /** Partitions whose rebuild reached the committed offset switch to delivery, and Alertmanager hears of them. */
    private void finishReplays() {
        for (TopicPartition tp : new ArrayList<>(replayUntil.keySet())) {
            if (consumer.position(tp) >= replayUntil.get(tp)) {
                replayUntil.remove(tp);
                LOG.info("{}-{}: firing set rebuilt from {} earlier records ({} alerts firing); delivering from offset "
                        + "{}", tp.topic(), tp.partition(), replayed.getOrDefault(tp, 0L), firing.size(tp.partition()),
                        consumer.position(tp));
                replayed.remove(tp);
                metrics.firing(firing.size());
                if (reposter != null) {
                    reposter.requestNow();
                }
            }
        }
    }

    private void repostIfDue() {
        if (reposter == null) {
            return;
        }
        try {
            reposter.repostIfDue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, FailurePhase phase, String reason, String message,
            Throwable error) {
        try {
            deadLetters.write(record, phase, reason, message, error);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private void commitDelivered() {
        if (delivered.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(delivered);
            delivered.clear();
        } catch (RebalanceInProgressException e) {
            // Committed by the rebalance listener when the partitions are revoked, or at the next commit.
            LOG.debug("Commit postponed: {}", e.getMessage());
        }
    }

    private void commitDeliveredQuietly() {
        try {
            commitDelivered();
        } catch (RuntimeException e) {
            LOG.warn("Could not commit the last delivered offsets {} ({}); those events will be delivered again",
                    delivered, e.toString());
        }
    }

    private void logSummaryIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextSummary)) {
            return;
        }
        nextSummary = now.plus(SUMMARY_EVERY);
        LOG.info("{}", summary());
    }

    private String summary() {
        return firing.size() + " alerts firing; requests sent " + (long) metrics.total(NotifyMetrics.SENT)
                + ", retried " + (long) metrics.total(NotifyMetrics.RETRIED) + ", failed "
                + (long) metrics.total(NotifyMetrics.FAILED);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        deadLetters.close();
    }

    /**
     * Positions newly assigned partitions for the rebuild (see the class comment) and commits what was delivered
     * before partitions go to another instance.
     */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
            partitions.forEach(tp -> {
                OffsetAndMetadata offset = delivered.remove(tp);
                if (offset != null) {
                    toCommit.put(tp, offset);
                }
            });
            if (!toCommit.isEmpty()) {
                consumer.commitSync(toCommit);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Another instance owns them already: committing would overwrite its progress.
            partitions.forEach(delivered::remove);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                // Joined the group (with nothing new to rebuild): a member without partitions is a ready standby.
                health.assigned(consumer.assignment().size(), replayUntil.size());
                return;
            }
            Set<TopicPartition> assigned = new HashSet<>(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(assigned);
            List<TopicPartition> neverCommitted = assigned.stream()
                    .filter(tp -> committed.get(tp) == null).toList();
            Map<TopicPartition, Long> ends = neverCommitted.isEmpty() ? Map.of()
                    : consumer.endOffsets(neverCommitted);
            Map<TopicPartition, OffsetAndMetadata> startAtEnd = new HashMap<>();
            for (TopicPartition tp : assigned) {
                long beginning = beginnings.get(tp);
                long deliverFrom;
                if (committed.get(tp) != null) {
                    deliverFrom = committed.get(tp).offset();
                } else {
                    deliverFrom = ends.get(tp);
                    startAtEnd.put(tp, new OffsetAndMetadata(deliverFrom));
                }
                if (deliverFrom > beginning) {
                    replayUntil.put(tp, deliverFrom);
                    consumer.seek(tp, beginning);
                } else {
                    // Nothing before it (or, with a retention limit, it was deleted: nothing left to rebuild from).
                    consumer.seek(tp, Math.max(deliverFrom, beginning));
                }
            }
            if (!startAtEnd.isEmpty()) {
                LOG.info("No committed position for {}: delivering events from their current end {}; earlier records "
                        + "are only read to know what is firing", startAtEnd.keySet(), ends);
                consumer.commitSync(startAtEnd);
            }
            repositioned.addAll(assigned);
            assignmentChanged = true;
            metrics.assigned();
            health.assigned(consumer.assignment().size(), replayUntil.size());
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(tp -> {
                replayUntil.remove(tp);
                replayed.remove(tp);
            });
            firing.forget(partitions.stream().map(TopicPartition::partition).toList());
            metrics.firing(firing.size());
            assignmentChanged = true;
        }
    }

    /** A rebalance happened while a retry waited: abandon the batch, its partitions are positioned anew. */
    private static final class AssignmentChanged extends RuntimeException {
        AssignmentChanged() {
            super(null, null, false, false);
        }
    }

    /** {@link #stop()} was called while waiting. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }
}
