package io.spendstream.anomaly.alerting;

import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.avro.Alert;

/**
 * What the gate knows of one dedup key, decoded from {@link AlertGateStateRecord} (its stored form). Mutable: the
 * gate changes it and the processor writes it back, or deletes it once {@link #isDone()}.
 */
final class GateState {

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

    static GateState from(AlertGateStateRecord record) {
        GateState state = new GateState();
        if (record != null) {
            state.latest = AlertCodec.decode(record.getLatest());
            state.latestAt = record.getLatestAt();
            state.emitted = AlertCodec.decode(record.getEmitted());
            state.group = record.getGroup();
            state.held = AlertCodec.decode(record.getHeld());
            state.heldAt = record.getHeldAt();
            state.holdUntil = record.getHoldUntil();
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
                .setHoldUntil(holdUntil)
                .build();
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
    }
}
