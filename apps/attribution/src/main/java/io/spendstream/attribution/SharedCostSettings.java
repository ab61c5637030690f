package io.spendstream.attribution;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * How the cost of shared infrastructure (rows whose attribution says {@code shared}) is apportioned to the services
 * that used it in the same showback hour ({@link ShowbackHour}): the default, and (in {@link SharedCostRules}) the
 * setting of a single shared resource or service.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.attribution.shared.method}</td><td>{@code requests}</td>
 *     <td>{@code requests}: in proportion to each service's requests in the hour (from {@code spend.apm});
 *     {@code even}: equal parts to every service active in the hour; {@code weights}: in proportion to the fixed
 *     weights below, among the weighted services active in the hour</td></tr>
 * <tr><td>{@code spendstream.attribution.shared.weights}</td><td>(none)</td>
 *     <td>{@code service:weight,...}, e.g. {@code checkout:3,search:1}; weights are positive decimals; required
 *     (non-empty) when the method is {@code weights}</td></tr>
 * </table>
 *
 * @param method  how the shared cost is split
 * @param weights the fixed weight of each service (method {@code weights}), by service name
 */
public record SharedCostSettings(Method method, Map<String, BigDecimal> weights) {

    public static final String METHOD = "spendstream.attribution.shared.method";
    public static final String WEIGHTS = "spendstream.attribution.shared.weights";

    /** How a shared cost is split between the services of its hour. */
    public enum Method {
        REQUESTS, EVEN, WEIGHTS
    }

    public SharedCostSettings {
        weights = Collections.unmodifiableMap(new TreeMap<>(weights));
        if (method == Method.WEIGHTS && weights.isEmpty()) {
            throw new IllegalArgumentException(WEIGHTS + " must name at least one service when " + METHOD
                    + " is weights");
        }
    }

    /** The default apportionment; {@link SharedCostRules} adds the overrides per shared resource or service. */
    public static SharedCostSettings from(SpendstreamConfig config) {
        return new SharedCostSettings(parseMethod(config.get(METHOD, "requests"), METHOD),
                parseWeights(config.get(WEIGHTS, ""), WEIGHTS));
    }

    /** {@code requests}, {@code even} or {@code weights} (any case), read from the key {@code key}. */
    static Method parseMethod(String text, String key) {
        String method = text.trim();
        try {
            return Method.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be requests, even or weights, was '" + method + "'");
        }
    }

    /** {@code checkout:3,search:1}, read from the key {@code key}, as a map; blank means none. */
    static Map<String, BigDecimal> parseWeights(String text, String key) {
        Map<String, BigDecimal> weights = new TreeMap<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            String service = colon < 0 ? "" : entry.substring(0, colon).trim();
            BigDecimal weight;
            try {
                weight = colon < 0 ? null : new BigDecimal(entry.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                weight = null;
            }
            if (service.isEmpty() || weight == null || weight.signum() <= 0 || weights.containsKey(service)) {
                throw new IllegalArgumentException(key + " must be service:weight pairs with distinct services"
                        + " and positive weights, e.g. checkout:3,search:1; bad entry '" + entry.trim() + "'");
            }
            weights.put(service, weight);
        }
        return weights;
    }
}
