package io.spendstream.ingest;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.serde.ConfluentAvroSerde;
import io.spendstream.schemas.serde.ForwardedRecord;
import io.spendstream.schemas.serde.LastFieldWriter;

/**
 * Serde of {@link CostLine}s as {@link CostRecord}s in the Confluent wire format (the estimate-match repartition
 * topic and {@code spend.cost}). A line read from bytes and unchanged is written as those bytes; one marked with its
 * estimateSku since as those bytes with the last field set ({@link LastFieldWriter}); a line built here, and bytes
 * written with another schema id than this serde's or with bytes after the record, are encoded from the record, as
 * before (so what is written is always a record of this serde's schema under its id). Reading decodes the whole
 * record and keeps the bytes. Null is a tombstone both ways.
 */
final class CostLineSerde implements Serde<CostLine> {

    private final ConfluentAvroSerde<CostRecord> cost;
    private final LastFieldWriter<CostRecord> estimateSku;

    CostLineSerde(ConfluentAvroSerde<CostRecord> cost) {
        this.cost = cost;
        this.estimateSku = new LastFieldWriter<>(cost);
    }

    @Override
    public Serializer<CostLine> serializer() {
        Serializer<CostRecord> records = cost.serializer();
        return (topic, line) -> {
            if (line == null) {
                return null;
            }
            ForwardedRecord<CostRecord> read = line.read();
            if (line.unchanged() && read.holdsOnlyARecordOf(cost.register())) {
                return read.framed();
            }
            if (line.onlyEstimateSkuSet()) {
                return estimateSku.write(topic, read, line.record().getEstimateSku());
            }
            return records.serialize(topic, line.record());
        };
    }

    @Override
    public Deserializer<CostLine> deserializer() {
        return (topic, data) -> data == null ? null : CostLine.read(cost.deserializeKeepingBytes(topic, data));
    }
}
