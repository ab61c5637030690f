package io.spendstream.ingest;

import java.util.Objects;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.serde.ForwardedRecord;

/**
 * A cost line between restatement matching and {@code spend.cost}: its values, and, for a line read from a
 * repartition topic and not changed since, the bytes it was read from, which {@link CostLineSerde} writes on as they
 * are instead of encoding the values again (issue 18: a new charge went through two repartition topics and the sink
 * and was encoded three times, the same bytes each time).
 *
 * <p>A read line takes one change: {@link #withEstimateSku} (estimate supersession marks the lines it matched;
 * {@code estimateSku} is the record's last field, which {@link CostLineSerde} sets in the bytes). Any other change
 * makes a new line of a new record ({@link #built}), so the bytes of a line always hold its values but that one.
 */
final class CostLine {

    private final CostRecord record;
    private final ForwardedRecord<CostRecord> read;
    private final String estimateSkuAsRead;

    private CostLine(CostRecord record, ForwardedRecord<CostRecord> read) {
        this.record = record;
        this.read = read;
        this.estimateSkuAsRead = record.getEstimateSku();
    }

    /** A line of a record made here (parsed, a restatement's difference, an hour piece, a reversal). */
    static CostLine built(CostRecord record) {
        return new CostLine(record, null);
    }

    /** A line read from a topic: the record decoded from the bytes, and the bytes. */
    static CostLine read(ForwardedRecord<CostRecord> read) {
        return new CostLine(read.view(), read);
    }

    /** The line's values; change none but through {@link #withEstimateSku}, or make a new line. */
    CostRecord record() {
        return record;
    }

    /** Marks the line with the SKU of the estimates it takes part in ({@code CostRecord.estimateSku}). */
    CostLine withEstimateSku(String sku) {
        record.setEstimateSku(sku);
        return this;
    }

    /** The bytes the line was read from, or null for a line built here. */
    ForwardedRecord<CostRecord> read() {
        return read;
    }

    /** Whether the line is still the record its bytes hold (its estimateSku not set since). */
    boolean unchanged() {
        return read != null && Objects.equals(estimateSkuAsRead, record.getEstimateSku());
    }

    /** Whether the line was read with no estimateSku and has one now: its bytes hold the rest. */
    boolean onlyEstimateSkuSet() {
        return read != null && estimateSkuAsRead == null && record.getEstimateSku() != null;
    }
}
