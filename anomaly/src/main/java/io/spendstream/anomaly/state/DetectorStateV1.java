package io.spendstream.anomaly.state;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;

import io.spendstream.anomaly.detector.Baseline;
import io.spendstream.anomaly.detector.DetectorState;
import io.spendstream.anomaly.detector.Incident;
import io.spendstream.anomaly.detector.PendingWindow;
import io.spendstream.anomaly.detector.PendingWindows;

/**
 * Reads detector state written in format 1 (the first release: one current window, every older window already
 * learned), so a store or changelog written by it restores after an upgrade. Its current window becomes the only
 * pending window, not yet finished, and everything before it counts as settled, which is what format 1 meant.
 * Read as a generic record with the format-1 schema kept as a resource: no generated classes for an old format.
 */
final class DetectorStateV1 {

    static final byte FORMAT = 1;
    static final String SCHEMA_RESOURCE = "DetectorStateRecord-v1.avsc";

    private final Schema schema;
    private final ThreadLocal<GenericDatumReader<GenericRecord>> reader;

    DetectorStateV1() {
        schema = loadSchema();
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        reader = ThreadLocal.withInitial(() -> new GenericDatumReader<>(schema, schema, model));
    }

    static Schema loadSchema() {
        return DetectorStateSerde.loadSchema(SCHEMA_RESOURCE);
    }

    DetectorState read(BinaryDecoder decoder) throws IOException {
        GenericRecord record = reader.get().read(null, decoder);
        Baseline baseline = Baseline.of((Double) record.get("level"), (Double) record.get("meanAbsDeviation"),
                (Long) record.get("learnedWindows"));
        GenericRecord c = (GenericRecord) record.get("current");
        PendingWindows pending = c == null ? PendingWindows.empty() : PendingWindows.of(List.of(new PendingWindow(
                millis(c, "windowStart"), millis(c, "windowEnd"), (BigDecimal) c.get("cost"),
                c.get("currency").toString(), millis(c, "lastTimestamp"), false)), millis(c, "windowStart"));
        GenericRecord i = (GenericRecord) record.get("incident");
        Incident incident = i == null ? null : DetectorStateSerde.incident(i.get("anomalyId").toString(),
                (Instant) i.get("startedAt"), i.get("severity").toString(), (BigDecimal) i.get("peakObserved"),
                (BigDecimal) i.get("excessCost"), (Integer) i.get("quietWindows"),
                (Instant) i.get("lastActiveWindowEnd"));
        return new DetectorState(baseline, pending, incident, DetectorState.NEVER_RESOLVED);
    }

    private static long millis(GenericRecord record, String field) {
        return ((Instant) record.get(field)).toEpochMilli();
    }
}
