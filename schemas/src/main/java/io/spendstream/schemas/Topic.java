package io.spendstream.schemas;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One Kafka topic described once: its name, key and value serdes, and whether it is compacted.
 * Apps, tools and tests all reach topics through these descriptors so that a topic is never read with the wrong serde.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {

    /** {@code Consumed} for {@code builder.stream}/{@code table}, with the source processor named. */
    public Consumed<K, V> consumed(String processorName) {
        return Consumed.with(keySerde, valueSerde).withName(processorName);
    }

    /** {@code Produced} for {@code stream.to}, with the sink processor named. */
    public Produced<K, V> produced(String processorName) {
        return Produced.with(keySerde, valueSerde).withName(processorName);
    }

    public ProducerRecord<byte[], byte[]> serialize(K key, V value) {
        return new ProducerRecord<>(name, keySerde.serializer().serialize(name, key),
                valueSerde.serializer().serialize(name, value));
    }

    public K key(ConsumerRecord<byte[], byte[]> record) {
        return keySerde.deserializer().deserialize(name, record.key());
    }

    public V value(ConsumerRecord<byte[], byte[]> record) {
        return valueSerde.deserializer().deserialize(name, record.value());
    }
}
