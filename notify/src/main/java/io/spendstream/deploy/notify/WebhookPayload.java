package io.spendstream.deploy.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.Alert;
import io.spendstream.schemas.AvroJson;

/**
 * The body a generic webhook receives for one alert event: the alert's fields as plain JSON (timestamps ISO-8601,
 * status FIRING or RESOLVED), plus {@code eventId} ({@code topic-partition@offset}) so that a receiver can drop
 * the duplicates at-least-once delivery may produce.
 */
public final class WebhookPayload {

    private WebhookPayload() {
    }

    public static ObjectNode of(AlertEvent event) {
        ObjectNode node = (ObjectNode) AvroJson.toNode(event.alert());
        node.put("eventId", event.id());
        return node;
    }
}
