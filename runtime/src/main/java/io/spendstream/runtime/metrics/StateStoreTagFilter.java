package io.spendstream.runtime.metrics;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Gives every Kafka Streams state-store meter the same tag keys. Kafka tags store metrics with a key that names the
 * store type ({@code rocksdb-state-id}, {@code rocksdb-window-state-id}, {@code in-memory-state-id}, ...), so an app
 * with a key-value store and a window store reports one metric name with two different tag sets, and Prometheus
 * exports only the first set (the others are dropped with a warning). This renames that key to {@value #STORE}, so
 * {@code kafka_stream_state_*} has the tags {@code application, kafka_version, store, task_id, thread_id} for every
 * store (the store type is not a tag: the store's name identifies it).
 *
 * <p>The filter must not change the <em>number</em> of tags. Micrometer's Kafka binder ({@code KafkaMetrics
 * .checkAndBindMetrics}) compares each Kafka metric's raw tags with the (filtered) meters already registered under
 * the same name: a registered meter with more tags is taken for a more specific variant of the same metric and the
 * new one is skipped. A filter that turned one tag into two ({@code state.id} + {@code store.type}) therefore let
 * only the first store of each metric through: one series per metric and app instead of one per store.
 *
 * <p>The binder also removes the meters of closed stores (a task moved to another instance) by their unfiltered
 * id, which misses renamed meters: {@link ClientMeters} removes those itself ({@link #isStoreMeter}).
 */
public final class StateStoreTagFilter implements MeterFilter {

    /** The tag naming the store, whatever its type. */
    public static final String STORE = "store";

    private static final String PREFIX = "kafka.stream.state.";
    private static final String STATE_ID_SUFFIX = ".state.id";

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(PREFIX)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        boolean changed = false;
        for (Tag tag : id.getTagsAsIterable()) {
            if (tag.getKey().endsWith(STATE_ID_SUFFIX)) {
                tags.add(Tag.of(STORE, tag.getValue()));
                changed = true;
            } else {
                tags.add(tag);
            }
        }
        return changed ? id.replaceTags(tags) : id;
    }

    /** A state-store meter this filter renamed (thread, task and store tags). */
    static boolean isStoreMeter(Meter.Id id) {
        return id.getName().startsWith(PREFIX) && id.getTag(STORE) != null;
    }
}
