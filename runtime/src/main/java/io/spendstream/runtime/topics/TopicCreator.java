package io.spendstream.runtime.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;

/**
 * Creates the pipeline's missing topics at start-up ({@link SpendstreamTopics#all()}: raw inputs, compacted
 * reference topics, internal and output topics, {@code spend.dlq}). Existing topics are left exactly as they are:
 * their partitions and settings belong to whoever runs the cluster. Several apps usually start at once, so a topic
 * that another app creates between our listing and our request ({@link TopicExistsException}) counts as created.
 *
 * <p>Each app creates all the pipeline's topics, not only those it declares ({@code StreamsApp.topics}): the
 * reference topics (tags, budgets, prices, FX rates, silences) and the raw inputs are written by people and tools
 * ({@code load}, the local demo, kcat) whenever they like, whichever apps are up. A topic its reader has not created
 * yet would otherwise be auto-created by the broker with its defaults: no compaction for reference data, and a
 * partition count that breaks attribution's co-partitioned join. Every topic of {@link SpendstreamTopics#all()} is
 * some app's input or output (a test in the it module checks it), so nothing here is created for nobody.
 *
 * <p>Kafka Streams creates its own internal topics (repartition, changelog); this class does not touch them.
 */
public final class TopicCreator {

    public static final String CREATE = "spendstream.topics.create";
    public static final String PARTITIONS = "spendstream.topics.partitions";
    public static final String REPLICATION_FACTOR = "spendstream.topics.replication.factor";
    public static final String DLQ_RETENTION = "spendstream.topics.dlq.retention";
    public static final String RETENTION_BYTES = "spendstream.topics.retention.bytes";

    /** Long enough to notice, fix and replay dead letters after a holiday, short enough not to grow forever. */
    public static final Duration DEFAULT_DLQ_RETENTION = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private TopicCreator() {
    }

    /**
     * Creates the topics of {@code topics} that do not exist yet, when {@value #CREATE} is true (the default).
     *
     * @throws IllegalStateException when the cluster cannot be reached or refuses a creation for another reason
     *         than the topic already existing
     */
    public static void ensureTopics(Admin admin, SpendstreamTopics topics, SpendstreamConfig config) {
        if (!config.getBoolean(CREATE, true)) {
            LOG.debug("{}=false: not creating topics", CREATE);
            return;
        }
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<NewTopic> missing = plan(topics, config, existing);
        if (missing.isEmpty()) {
            return;
        }
        List<String> created = awaitCreated(admin.createTopics(missing).values());
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
    }

    /** The topics to create, given the names that already exist: partitions, replication and settings from config. */
    public static List<NewTopic> plan(SpendstreamTopics topics, SpendstreamConfig config, Set<String> existing) {
        Optional<Integer> partitions = brokerDefaultIfNegative(config.getInt(PARTITIONS, 4));
        Optional<Short> replication = brokerDefaultIfNegative(config.getInt(REPLICATION_FACTOR, -1))
                .map(Integer::shortValue);
        String dlqName = topics.dlq.name();
        // Raw inputs and dead letters carry the time they were written; every other topic carries event time.
        Set<String> writeTimed = Set.of(topics.usageRaw.name(), topics.apmRaw.name(), dlqName);
        List<NewTopic> missing = new ArrayList<>();
        for (Topic<?, ?> topic : topics.all()) {
            if (existing.contains(topic.name())) {
                continue;
            }
            Map<String, String> settings = new LinkedHashMap<>();
            if (topic.compacted()) {
                // Reference data (tags, budgets, prices, fx rates): the latest value per key is the state.
                settings.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            if (!topic.compacted() && !writeTimed.contains(topic.name())) {
                // Records carry their event time (a billing row's ChargePeriodStart can be months old) and the
                // broker's time retention compares record timestamps with now: it would delete such records as
                // soon as they are written. These topics are bounded by size instead (unbounded by default).
                settings.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
                settings.put(TopicConfig.RETENTION_BYTES_CONFIG, config.get(RETENTION_BYTES, "-1"));
            }
            if (topic.name().equals(dlqName)) {
                settings.put(TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(config.getDuration(DLQ_RETENTION, DEFAULT_DLQ_RETENTION).toMillis()));
            }
            missing.add(new NewTopic(topic.name(), partitions, replication).configs(settings));
        }
        return missing;
    }

    /**
     * Waits for each creation; a topic someone else created in the meantime is fine. Returns the topics this call
     * created.
     */
    public static List<String> awaitCreated(Map<String, KafkaFuture<Void>> creations) {
        List<String> created = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        RuntimeException first = null;
        for (Map.Entry<String, KafkaFuture<Void>> creation : creations.entrySet()) {
            try {
                await(creation.getValue(), "create topic " + creation.getKey());
                created.add(creation.getKey());
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    LOG.debug("Topic {} was created concurrently", creation.getKey());
                    continue;
                }
                failures.add(creation.getKey() + ": " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("Could not create topics " + failures
                    + " (set " + CREATE + "=false to manage topics yourself)", first);
        }
        return created;
    }

    private static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Failed to " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out after " + ADMIN_TIMEOUT.toSeconds() + "s trying to " + what
                    + " (is bootstrap.servers right and the cluster up?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what, e);
        }
    }

    private static Optional<Integer> brokerDefaultIfNegative(int value) {
        return value < 0 ? Optional.empty() : Optional.of(value);
    }
}
