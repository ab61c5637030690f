package io.spendstream.anomaly.core;

import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;

/**
 * What a detector processor forwards for one lifecycle event: the anomaly event, and the alert it raises or
 * clears (null when it changes nothing for on-call). A staged budget alert has no anomaly event (null). In-memory
 * only, between the processors and the sinks.
 */
public record Emission(Anomaly anomaly, Alert alert) {

    public Emission {
        if (anomaly == null && alert == null) {
            throw new IllegalArgumentException("An emission needs an anomaly event or an alert");
        }
    }

    public boolean hasAnomaly() {
        return anomaly != null;
    }

    public boolean hasAlert() {
        return alert != null;
    }

    /** The key both records are written under: the anomaly's dedup key, or the alert's when there is no anomaly. */
    public String dedupKey() {
        return anomaly != null ? anomaly.getDedupKey() : alert.getDedupKey();
    }
}
