package io.spendstream.anomaly.gate;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Which team owns a service, read from {@code spend.tags} (key ResourceId, tag JSON with {@code service} and
 * {@code team}): the only record that says so ({@code spend.unit-cost} names the service only; enrich's attribution
 * knows the team but is on the full-volume {@code spend.cost.attributed}). The latest tag naming both wins; the
 * tag's {@code validFrom} is not applied (paging wants today's owner, not the owner at the cost's time). Shared
 * resources are skipped: they serve many services. Tags that are not JSON are skipped here: enrich, which owns
 * {@code spend.tags}, dead-letters them.
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
     * @throws IllegalArgumentException when the value is not a JSON object
     */
    static Optional<Owner> owner(byte[] tagJson) {
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
        String service = text(root, "service");
        String team = text(root, "team");
        return service == null || team == null ? Optional.empty() : Optional.of(new Owner(service, team));
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText().trim();
    }
}
