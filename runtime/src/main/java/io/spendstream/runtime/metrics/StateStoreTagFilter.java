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
 * <p>The filter keeps the <em>number</em> of tags: Kafka metrics registered under one name with fewer tags are taken
 * for a less specific variant ({@link KafkaMetricsBinder} binds only the variant with the most tags).
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
}
