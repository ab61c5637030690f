package io.spendstream.anomaly.gate;

import io.spendstream.anomaly.avro.AlertGateEvent;
import io.spendstream.anomaly.avro.AlertGateEventKind;
import io.spendstream.anomaly.avro.SilenceRecord;
import io.spendstream.avro.Alert;

/** Builds the gate's input events (see {@code AlertGateEvent.avsc}). */
final class GateEvents {

    private GateEvents() {
    }

    static AlertGateEvent alert(Alert alert) {
        return AlertGateEvent.newBuilder().setKind(AlertGateEventKind.ALERT).setAlert(AlertCodec.encode(alert))
                .build();
    }

    /** A parent alert's state for every gate task: FIRING opens or updates its group, RESOLVED closes it. */
    static AlertGateEvent group(Alert parent) {
        return AlertGateEvent.newBuilder().setKind(AlertGateEventKind.GROUP).setAlert(AlertCodec.encode(parent))
                .build();
    }

    /** {@code silence} null: the silence was deleted. */
    static AlertGateEvent silence(String id, SilenceRecord silence) {
        return AlertGateEvent.newBuilder().setKind(AlertGateEventKind.SILENCE).setSilenceId(id).setSilence(silence)
                .build();
    }

    static AlertGateEvent team(String service, String team) {
        return AlertGateEvent.newBuilder().setKind(AlertGateEventKind.TEAM).setService(service).setTeam(team).build();
    }
}
