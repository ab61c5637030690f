package io.spendstream.attribution;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Which apportionment ({@link SharedCostSettings}) applies to which shared resource: a default for all of them, and
 * overrides for single shared resources or for the shared resources of one service.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.attribution.shared.method} / {@code .weights}</td><td>the default
 *     ({@link SharedCostSettings})</td></tr>
 * <tr><td>{@code spendstream.attribution.shared.method.<name>}</td><td>{@code requests}, {@code even} or
 *     {@code weights} for the shared rows whose {@code ResourceId} is {@code <name>} or, when no resource has its own
 *     setting, whose attributed service is {@code <name>}</td></tr>
 * <tr><td>{@code spendstream.attribution.shared.weights.<name>}</td><td>the weights of that override
 *     ({@code service:weight,...}); without it an override with the method {@code weights} uses the default
 *     weights. Only valid next to a {@code method.<name>}</td></tr>
 * </table>
 *
 * <p>Configuration, not tags: the setting is the platform team's decision about how to charge a resource, and a
 * key read once at start-up cannot change the split of an hour half-way through it the way a re-tag would.
 *
 * @param defaults   the apportionment of a shared row without its own setting
 * @param byResource the overrides, by resource id or service name ({@code <name>} above)
 */
public record SharedCostRules(SharedCostSettings defaults, Map<String, SharedCostSettings> byResource) {

    private static final String METHOD_PREFIX = SharedCostSettings.METHOD + ".";
    private static final String WEIGHTS_PREFIX = SharedCostSettings.WEIGHTS + ".";

    public SharedCostRules {
        byResource = Collections.unmodifiableMap(new TreeMap<>(byResource));
    }

    public static SharedCostRules from(SpendstreamConfig config) {
        SharedCostSettings defaults = SharedCostSettings.from(config);
        Map<String, SharedCostSettings> overrides = new TreeMap<>();
        Map<String, String> all = config.asMap();
        all.forEach((key, value) -> {
            if (key.startsWith(METHOD_PREFIX) && key.length() > METHOD_PREFIX.length()) {
                String name = key.substring(METHOD_PREFIX.length());
                Map<String, BigDecimal> weights = all.containsKey(WEIGHTS_PREFIX + name)
                        ? SharedCostSettings.parseWeights(all.get(WEIGHTS_PREFIX + name), WEIGHTS_PREFIX + name)
                        : defaults.weights();
                SharedCostSettings.Method method = SharedCostSettings.parseMethod(value, key);
                if (method == SharedCostSettings.Method.WEIGHTS && weights.isEmpty()) {
                    throw new IllegalArgumentException(key + " is weights, but neither " + WEIGHTS_PREFIX + name
                            + " nor " + SharedCostSettings.WEIGHTS + " names a service");
                }
                overrides.put(name, new SharedCostSettings(method, weights));
            }
        });
        all.keySet().stream()
                .filter(key -> key.startsWith(WEIGHTS_PREFIX))
                .filter(key -> !overrides.containsKey(key.substring(WEIGHTS_PREFIX.length())))
                .findFirst()
                .ifPresent(key -> {
                    throw new IllegalArgumentException(key + " needs " + METHOD_PREFIX
                            + key.substring(WEIGHTS_PREFIX.length()) + " (requests, even or weights) next to it");
                });
        return new SharedCostRules(defaults, overrides);
    }

    /**
     * The name of the override that applies to a shared row of {@code resourceId} attributed to {@code service}
     * (either may be null), or null when the default applies. The resource's own setting wins over its service's.
     */
    public String ruleFor(String resourceId, String service) {
        if (resourceId != null && byResource.containsKey(resourceId)) {
            return resourceId;
        }
        return service != null && byResource.containsKey(service) ? service : null;
    }

    /**
     * The apportionment of the override {@code rule}; the default when {@code rule} is null or no longer configured
     * (an hour booked under a setting removed since is split by the default, never lost).
     */
    public SharedCostSettings settingsOf(String rule) {
        return rule == null ? defaults : byResource.getOrDefault(rule, defaults);
    }
}
