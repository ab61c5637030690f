package io.spendstream.schemas;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Topic names, every one configurable with {@code spendstream.topic.<logical-name>=<name>}.
 * The defaults are the names of the product spec.
 */
public final class TopicNames {

    public static final String PREFIX = "spendstream.topic.";

    /** Logical name -> default topic name, in pipeline order. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("usage-raw", "spend.usage.raw");
        names.put("apm-raw", "spend.apm.raw");
        names.put("tags", "spend.tags");
        names.put("budgets", "spend.budgets");
        names.put("fx-rates", "spend.fx-rates");
        names.put("prices", "spend.prices");
        names.put("silences", "spend.silences");
        names.put("cost", "spend.cost");
        names.put("apm", "spend.apm");
        names.put("cost-attributed", "spend.cost.attributed");
        names.put("unit-cost", "spend.unit-cost");
        names.put("allocation", "spend.allocation");
        names.put("commitments", "spend.commitments");
        names.put("burn-rate", "spend.burn-rate");
        names.put("reconciliation", "spend.reconciliation");
        names.put("value", "spend.value");
        names.put("anomalies", "spend.anomalies");
        names.put("alerts", "spend.alerts");
        names.put("dlq", "spend.dlq");
        DEFAULTS = Map.copyOf(names);
    }

    private final Map<String, String> names;

    private TopicNames(Map<String, String> names) {
        this.names = names;
    }

    public static TopicNames defaults() {
        return from(Map.of());
    }

    /** Defaults overridden by any {@code spendstream.topic.*} keys in the configuration. */
    public static TopicNames from(Map<String, ?> config) {
        Map<String, String> names = new LinkedHashMap<>(DEFAULTS);
        config.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                String logical = key.substring(PREFIX.length());
                if (!DEFAULTS.containsKey(logical)) {
                    throw new IllegalArgumentException("Unknown topic '" + logical + "' in " + key
                            + "; known topics: " + DEFAULTS.keySet());
                }
                names.put(logical, String.valueOf(value));
            }
        });
        return new TopicNames(names);
    }

    public String name(String logical) {
        String name = names.get(logical);
        if (name == null) {
            throw new IllegalArgumentException("Unknown topic '" + logical + "'; known topics: " + names.keySet());
        }
        return name;
    }
}
