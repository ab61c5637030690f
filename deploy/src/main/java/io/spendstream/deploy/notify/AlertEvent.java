package io.spendstream.deploy.notify;

import io.spendstream.avro.Alert;

/** One decoded {@code spend.alerts} record and where it came from ({@code id} = {@code topic-partition@offset}). */
public record AlertEvent(Alert alert, String id) {

    public static AlertEvent of(Alert alert, String topic, int partition, long offset) {
        return new AlertEvent(alert, topic + "-" + partition + "@" + offset);
    }
}
