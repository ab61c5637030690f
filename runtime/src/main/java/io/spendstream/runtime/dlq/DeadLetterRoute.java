package io.spendstream.runtime.dlq;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The one way a topology validates raw input: parse with a {@link RecordParser}, send rejects to {@code spend.dlq}
 * (key = raw key as received), continue with the good values. Every processor gets a name derived from
 * {@code name}, so the topology stays stable across releases.
 */
public final class DeadLetterRoute {

    private DeadLetterRoute() {
    }

    public static <K, V> KStream<K, V> parse(KStream<K, byte[]> raw, String name, String stage,
            RecordParser<K, V> parser, SpendstreamTopics topics, PipelineMetrics metrics) {
        KStream<K, Validated<V>> validated = raw.processValues(
                () -> new ValidatingProcessor<>(stage, name, parser, metrics), Named.as(name));
        return split(validated, name, topics);
    }

    /**
     * The second half of {@link #parse}, for checks made later in a topology (after a join, a lookup): rejects to
     * {@code spend.dlq}, keyed by the raw key the dead letter carries, accepted values onward.
     */
    public static <K, V> KStream<K, V> split(KStream<K, Validated<V>> validated, String name,
            SpendstreamTopics topics) {
        validated.filter((k, v) -> !v.isOk(), Named.as(name + "-rejected"))
                .map((k, v) -> KeyValue.pair(DeadLetters.keyOf(v.deadLetter()), v.deadLetter()),
                        Named.as(name + "-to-dead-letter"))
                // A dead letter carries the time it failed, not the source record's (event) time: the DLQ's time
                // retention then means "kept N days after failing", even for a billing row from last month.
                .processValues(FailureTimeStamper::new, Named.as(name + "-stamp-failure-time"))
                .to(topics.dlq.name(), topics.dlq.produced(name + "-dlq-sink"));
        return validated.filter((k, v) -> v.isOk(), Named.as(name + "-accepted"))
                .mapValues(Validated::value, Named.as(name + "-unwrap"));
    }

    /** Sets a dead letter's record timestamp to its {@code failedAt}. */
    private static final class FailureTimeStamper
            implements FixedKeyProcessor<byte[], DeadLetter, DeadLetter> {

        private FixedKeyProcessorContext<byte[], DeadLetter> context;

        @Override
        public void init(FixedKeyProcessorContext<byte[], DeadLetter> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], DeadLetter> record) {
            context.forward(record.withTimestamp(record.value().getFailedAt().toEpochMilli()));
        }
    }

    /** UTF-8 bytes of a text key, for topologies whose keys are strings. */
    public static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }
}
