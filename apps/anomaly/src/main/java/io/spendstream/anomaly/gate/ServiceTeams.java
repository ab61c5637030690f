package io.spendstream.anomaly.gate;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.runtime.input.InputLimits;

/**
 * Which team owns a service, read from {@code spend.tags} (key ResourceId, tag JSON with {@code service} and
 * {@code team}): the only record that says so ({@code spend.unit-cost} names the service only; enrich's attribution
 * knows the team but is on the full-volume {@code spend.cost.attributed}). The latest tag naming both wins; the
 * tag's {@code validFrom} is not applied (paging wants today's owner, not the owner at the cost's time). Shared
 * resources are skipped: they serve many services. Tags that are not JSON, or whose service or team is longer than
 * {@link InputLimits#maxTextLength()}, are skipped here: enrich, which owns {@code spend.tags}, dead-letters them (a
 * 900 KB service name would otherwise be the key and part of the value of the gate's repartition record, too large
 * for the broker).
 */
final class ServiceTeams {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Owner(String service, String team) {
    }

    private ServiceTeams() {
    }

    /**
     * The owner a tag record names; empty when it names none (or is a delete).
     *
     * @throws IllegalArgumentException when the value is not a JSON object, or its service or team is too long
     */
    static Optional<Owner> owner(byte[] tagJson, InputLimits limits) {
        if (tagJson == null) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(tagJson);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode shared = root.get("shared");
        // asBoolean also reads the string "true", which shell tools tend to write.
        if (shared != null && shared.asBoolean(false)) {
            return Optional.empty();
        }
        String service = text(root, "service", limits);
        String team = text(root, "team", limits);
        return service == null || team == null ? Optional.empty() : Optional.of(new Owner(service, team));
    }

    private static String text(JsonNode root, String field, InputLimits limits) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            return null;
        }
        String text = node.asText().trim();
        if (text.length() > limits.maxTextLength()) {
            throw new IllegalArgumentException(field + " is " + text.length() + " characters long");
        }
        return text;
    }
}
