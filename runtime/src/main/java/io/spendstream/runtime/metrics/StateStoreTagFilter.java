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
 * refuses the second (its metrics silently go missing). This rewrites the key to {@code state.id} plus
 * {@code store.type} (e.g. {@code rocksdb.window}), keeping all of them.
 */
public final class StateStoreTagFilter implements MeterFilter {

    private static final String PREFIX = "kafka.stream.state";
    private static final String STATE_ID_SUFFIX = ".state.id";

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(PREFIX)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        boolean changed = false;
        for (Tag tag : id.getTagsAsIterable()) {
            if (tag.getKey().endsWith(STATE_ID_SUFFIX) && !tag.getKey().equals("state.id")) {
                tags.add(Tag.of("state.id", tag.getValue()));
                tags.add(Tag.of("store.type", tag.getKey().substring(0, tag.getKey().length() - STATE_ID_SUFFIX.length())));
                changed = true;
            } else {
                tags.add(tag);
            }
        }
        return changed ? id.replaceTags(tags) : id;
    }
}
