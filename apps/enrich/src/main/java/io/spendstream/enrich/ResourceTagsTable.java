package io.spendstream.enrich;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

import io.spendstream.avro.ResourceTags;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.dlq.DeadLetterRoute;
import io.spendstream.runtime.input.InputLimits;

/**
 * The point-in-time tag table: reads {@code spend.tags} (key ResourceId, tag JSON, null = delete), sends records
 * that do not parse to {@code spend.dlq}, and keeps every tag version of the last
 * {@link EnrichSettings#tagsHistory()} in the versioned RocksDB store {@value #STORE} (ResourceId to
 * {@link ResourceTags}, each version stored under the time it becomes valid, see {@link TagVersionTime}).
 *
 * <p>A stream-table join against this table looks tags up as of the stream record's timestamp, so a cost gets the
 * tags that were valid at its own event time. Also keeps {@value TagVersioningProcessor#SEEN_STORE}.
 */
public final class ResourceTagsTable {

    public static final String STORE = "resource-tags";
    static final String SOURCE = "tags-source";
    static final String PARSE = "tags-parse";
    static final String VERSION = "tags-version";
    static final String TO_TABLE = "tags-to-table";

    private ResourceTagsTable() {
    }

    public static KTable<String, ResourceTags> build(StreamsBuilder builder, AppContext context,
            EnrichSettings settings) {
        var topics = context.topics();
        KStream<String, byte[]> raw = builder.stream(topics.tags.name(), topics.tags.consumed(SOURCE));
        KStream<String, TagUpdate> parsed = DeadLetterRoute.parse(raw, PARSE, EnrichApp.NAME, new TagJsonParser(InputLimits.from(context.config())),
                topics, context.metrics());
        return parsed
                .processValues(TagVersioningProcessor.supplier(new TagVersionTime(settings.tagsHistory())),
                        Named.as(VERSION))
                .toTable(Named.as(TO_TABLE),
                        Materialized.<String, ResourceTags>as(
                                Stores.persistentVersionedKeyValueStore(STORE, settings.tagsHistory()))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(topics.avroSerde(ResourceTags.class)));
    }
}
