package io.spendstream.enrich;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which FOCUS {@code Tags} keys {@link FocusTagReader} reads each owner field from, in order of preference. Keys
 * are kept lower-case because matching is case-insensitive. Set through the {@code spendstream.enrich.focus-tags.*}
 * keys of {@link EnrichSettings}; {@link #DEFAULT} holds the lists the reader has always used. The {@code shared}
 * flag is not configurable: it always comes from the key {@code shared}.
 */
public record FocusTagKeys(List<String> service, List<String> team, List<String> product, List<String> environment,
        List<String> costCenter) {

    public static final FocusTagKeys DEFAULT = new FocusTagKeys(List.of("service", "application", "app"),
            List.of("team", "owner"), List.of("product"), List.of("environment", "env"),
            List.of("costCenter", "cost_center", "cost-center"));

    public FocusTagKeys {
        service = lowerCase("service", service);
        team = lowerCase("team", team);
        product = lowerCase("product", product);
        environment = lowerCase("environment", environment);
        costCenter = lowerCase("costCenter", costCenter);
    }

    private static List<String> lowerCase(String field, List<String> keys) {
        Objects.requireNonNull(keys, field);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("FOCUS tag keys for " + field + " must not be empty");
        }
        return keys.stream().map(key -> key.trim().toLowerCase(Locale.ROOT)).toList();
    }
}
