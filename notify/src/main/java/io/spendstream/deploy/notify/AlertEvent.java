package io.spendstream.deploy.notify;

import io.spendstream.avro.Alert;

/**
 * One decoded {@code spend.alerts} record and where it came from ({@code id} = {@code topic-partition@offset}).
 * {@code replaced} is the FIRING alert of the same dedup key this event supersedes, or null.
 */
public record AlertEvent(Alert alert, String id, Alert replaced) {

    public static AlertEvent of(Alert alert, String topic, int partition, long offset, Alert replaced) {
        return new AlertEvent(alert, topic + "-" + partition + "@" + offset, replaced);
    }
}
