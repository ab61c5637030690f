package io.spendstream.enrich;

import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.avro.ResourceTags;

/**
 * Gives each parsed {@code spend.tags} update the timestamp from which it is valid ({@link TagVersionTime}) and
 * unwraps it for the versioned tag table (null value = delete).
 *
 * <p>Store {@value #SEEN_STORE} (RocksDB, changelogged): ResourceId to the valid-from timestamp of the last update
 * for it. It only answers "has this resource had tags before?", which the versioned table cannot: it returns null
 * both for a resource never tagged and for one whose tags were deleted, and the two need different timestamps.
 */
public final class TagVersioningProcessor implements FixedKeyProcessor<String, TagUpdate, ResourceTags> {

    public static final String SEEN_STORE = "resource-tags-seen";

    private final TagVersionTime versionTime;
    private FixedKeyProcessorContext<String, ResourceTags> context;
    private KeyValueStore<String, Long> seen;

    public TagVersioningProcessor(TagVersionTime versionTime) {
        this.versionTime = versionTime;
    }

    /** Supplier that also declares (and so creates and connects) the seen store. */
    public static FixedKeyProcessorSupplier<String, TagUpdate, ResourceTags> supplier(TagVersionTime versionTime) {
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, TagUpdate, ResourceTags> get() {
                return new TagVersioningProcessor(versionTime);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_STORE),
                        Serdes.String(), Serdes.Long()));
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, ResourceTags> context) {
        this.context = context;
        this.seen = context.getStateStore(SEEN_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, TagUpdate> record) {
        boolean seenBefore = seen.get(record.key()) != null;
        long validFrom = versionTime.validFrom(record.value(), record.timestamp(), seenBefore);
        seen.put(record.key(), validFrom);
        context.forward(record.withValue(record.value().tags()).withTimestamp(validFrom));
    }
}
