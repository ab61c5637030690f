package io.spendstream.anomaly.nab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A NAB application profile (from {@code config/profiles.json}): the weight of a detected window, of a false
 * positive and of a missed window. {@code standard} is 1 / 0.11 / 1, {@code reward_low_FP_rate} doubles the false
 * positive weight, {@code reward_low_FN_rate} doubles the missed-window weight.
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    public static final String STANDARD = "standard";
    public static final String LOW_FP = "reward_low_FP_rate";
    public static final String LOW_FN = "reward_low_FN_rate";

    /** The profiles in the order of the file (standard, low FP, low FN in NAB's own file). */
    public static List<NabProfile> load(Path profilesJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(profilesJson.toFile());
        List<NabProfile> profiles = new ArrayList<>();
        root.fields().forEachRemaining(entry -> {
            JsonNode costs = entry.getValue().get("CostMatrix");
            profiles.add(new NabProfile(entry.getKey(), costs.get("tpWeight").asDouble(),
                    costs.get("fpWeight").asDouble(), costs.get("fnWeight").asDouble()));
        });
        return List.copyOf(profiles);
    }

    public static NabProfile named(List<NabProfile> profiles, String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No NAB profile " + name));
    }
}
