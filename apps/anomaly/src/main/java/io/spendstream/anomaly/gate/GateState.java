package io.spendstream.anomaly.gate;

import java.util.Map;

import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.avro.Alert;

/**
 * What the gate knows of one dedup key, decoded from {@link AlertGateStateRecord} (its stored form). Mutable: the
 * gate changes it and the processor writes it back, or deletes it once {@link #isDone()}.
 *
 * <p>{@link #holdUntil} and {@link #groupWaitUntil} share the record's {@code holdUntil} slot: a RESOLVED in cooldown
 * belongs to an alert that was emitted, a FIRING in group wait to one that was not, so the two never coexist. Sharing
 * the slot kept the stored form unchanged. The stored form is format 2 ({@link #SERDE}: {@link #redeliveredAt});
 * format 1, before it, is still read (schema kept as {@code AlertGateStateRecord-v1.avsc}; it reads as never
 * re-delivered).
 */
final class GateState {

    static final byte FORMAT_V2 = 2;
    /** Serde of the store {@code anomaly-alert-gate}: writes format 2, reads format 1 too. */
    static final PrivateAvroSerde<AlertGateStateRecord> SERDE = new PrivateAvroSerde<>(AlertGateStateRecord.class,
            "alert-gate state", FORMAT_V2, Map.of(PrivateAvroSerde.FORMAT_V1,
                    PrivateAvroSerde.schemaResource(GateState.class, "AlertGateStateRecord-v1.avsc")));

    /** The latest FIRING the detectors raised, as raised; null once they resolved it. */
    Alert latest;
    long latestAt;
    /** The FIRING last written to {@code spend.alerts}; null while nothing was. */
    Alert emitted;
    /** Dedup key of the parent this alert was grouped under when it was first emitted. */
    String group;
    /** A RESOLVED waiting out the cooldown. */
    Alert held;
    long heldAt;
    long holdUntil;
    /**
     * Wall-clock epoch millis until which the first FIRING ({@link #latest}, not emitted yet) waits for a parent to
     * group it under; 0 when it is not waiting.
     */
    long groupWaitUntil;
    /** Wall-clock epoch millis of the last re-delivery of {@link #emitted} with new figures; 0 if none yet. */
    long redeliveredAt;

    static GateState from(AlertGateStateRecord record) {
        GateState state = new GateState();
        if (record != null) {
            state.latest = AlertCodec.decode(record.getLatest());
            state.latestAt = record.getLatestAt();
            state.emitted = AlertCodec.decode(record.getEmitted());
            state.group = record.getGroup();
            state.held = AlertCodec.decode(record.getHeld());
            state.heldAt = record.getHeldAt();
            state.redeliveredAt = record.getRedeliveredAt();
            if (state.held != null) {
                state.holdUntil = record.getHoldUntil();
            } else if (state.latest != null && state.emitted == null) {
                state.groupWaitUntil = record.getHoldUntil();
            }
        }
        return state;
    }

    AlertGateStateRecord toRecord() {
        return AlertGateStateRecord.newBuilder()
                .setLatest(AlertCodec.encode(latest))
                .setLatestAt(latestAt)
                .setEmitted(AlertCodec.encode(emitted))
                .setGroup(group)
                .setHeld(AlertCodec.encode(held))
                .setHeldAt(heldAt)
                .setHoldUntil(held != null ? holdUntil : groupWaitUntil)
                .setRedeliveredAt(redeliveredAt)
                .build();
    }

    /** The first FIRING is held back for a parent that may still arrive (see {@link AlertGateSettings#groupWait()}). */
    boolean waitingForGroup() {
        return groupWaitUntil > 0;
    }

    /** Nothing open and nothing held: the key can be forgotten. */
    boolean isDone() {
        return latest == null && held == null;
    }

    void clear() {
        latest = null;
        emitted = null;
        group = null;
        held = null;
        holdUntil = 0;
        groupWaitUntil = 0;
        redeliveredAt = 0;
    }
}
