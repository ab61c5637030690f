package io.spendstream.anomaly;

import io.spendstream.avro.Alert;
import io.spendstream.avro.Anomaly;

/**
 * What the detector processor forwards for one lifecycle event: the anomaly event, and the alert it raises or
 * clears (null when it changes nothing for on-call). In-memory only, between the processor and the two sinks.
 */
record Emission(Anomaly anomaly, Alert alert) {

    boolean hasAlert() {
        return alert != null;
    }
}
