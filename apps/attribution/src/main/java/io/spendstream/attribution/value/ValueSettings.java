package io.spendstream.attribution.value;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * Settings of the value figures ({@link ValueTopology}, topic {@code spend.value}), read once when the topology is
 * built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.value.settle}</td><td>{@code 2m}</td>
 *     <td>a sample window (the finest unit-cost window, a minute by default) is taken as final once the service has a
 *     window starting this much after it; later updates of it are ignored and counted in
 *     {@value ValueProcessor#LATE_METRIC}</td></tr>
 * <tr><td>{@code spendstream.value.max-wait}</td><td>{@code 10m}</td>
 *     <td>wall-clock time a window waits for a side of its service that lags or never came (cost rows, APM data)
 *     before it settles on the side it has: long enough for enrich's path to catch up in a backlog, short enough
 *     that a service without cost rows still gets its hours</td></tr>
 * <tr><td>{@code spendstream.value.sensitivity.window}</td><td>{@code 24h}</td>
 *     <td>trailing window (whole hours, the closing hour included) of the conversion-rate-against-latency fit and
 *     of the baseline latency</td></tr>
 * <tr><td>{@code spendstream.value.sensitivity.min-minutes}</td><td>{@code 120}</td>
 *     <td>fewer minutes with traffic and a p95 in the window: NOT_ENOUGH_EVIDENCE</td></tr>
 * <tr><td>{@code spendstream.value.sensitivity.min-t}</td><td>{@code 3}</td>
 *     <td>a slope less than this many standard errors from zero: NOT_ENOUGH_EVIDENCE. 3 rather than 2 because the
 *     figure is re-judged every hour: at 2 one hour in twenty of pure noise would read as an effect</td></tr>
 * <tr><td>{@code spendstream.value.marginal-cost.window}</td><td>{@code 6h}</td>
 *     <td>trailing window (whole hours) of the cost-against-requests fit</td></tr>
 * <tr><td>{@code spendstream.value.marginal-cost.min-minutes}</td><td>{@code 30}</td>
 *     <td>fewer minutes with both cost and requests: NOT_ENOUGH_EVIDENCE</td></tr>
 * <tr><td>{@code spendstream.value.slo.latency-ms}, {@code spendstream.value.slo.latency-ms.<service>}</td><td>(none)</td>
 *     <td>latency SLO threshold in ms for every service, and for one service (the override wins)</td></tr>
 * <tr><td>{@code spendstream.value.slo.success}, {@code spendstream.value.slo.success.<service>}</td><td>(none)</td>
 *     <td>SLO target: the share of requests that must be compliant, in (0, 1), e.g. {@code 0.999}; the error
 *     budget is cut from it</td></tr>
 * </table>
 * A service with neither a latency threshold nor a target has no SLO: its records carry {@code slo = null}.

 */
public record ValueSettings(Duration settle, Duration maxWait, int sensitivityHours, int sensitivityMinMinutes,
        double minT,        int marginalCostHours, int marginalCostMinMinutes, Slo defaultSlo, Map<String, Slo> sloByService) {

    public static final String PREFIX = "spendstream.value.";
    public static final String SETTLE = PREFIX + "settle";
    public static final String MAX_WAIT = PREFIX + "max-wait";
    public static final String SENSITIVITY_WINDOW = PREFIX + "sensitivity.window";
    public static final String SENSITIVITY_MIN_MINUTES = PREFIX + "sensitivity.min-minutes";
    public static final String MIN_T = PREFIX + "sensitivity.min-t";
    public static final String MARGINAL_COST_WINDOW = PREFIX + "marginal-cost.window";
    public static final String MARGINAL_COST_MIN_MINUTES = PREFIX + "marginal-cost.min-minutes";
    public static final String SLO_LATENCY = PREFIX + "slo.latency-ms";
    public static final String SLO_SUCCESS = PREFIX + "slo.success";

    /**
     * A service's SLO: a request is compliant when it succeeded and, with a threshold, was served within it.
     *
     * @param latencyMs threshold, or null for a success-only SLO
     * @param target    share of requests that must comply, or null (then no error budget)
     */
    public record Slo(Double latencyMs, BigDecimal target) {

        public static final Slo NONE = new Slo(null, null);

        public boolean defined() {
            return latencyMs != null || target != null;
        }

        Slo or(Slo fallback) {
            return new Slo(latencyMs != null ? latencyMs : fallback.latencyMs,
                    target != null ? target : fallback.target);
        }
    }

    public ValueSettings {
        if (settle.isNegative()) {
            throw new IllegalArgumentException(SETTLE + " must not be negative, was " + settle);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException(MAX_WAIT + " must not be negative, was " + maxWait);
        }
        if (sensitivityHours < 1 || marginalCostHours < 1) {
            throw new IllegalArgumentException(SENSITIVITY_WINDOW + " and " + MARGINAL_COST_WINDOW
                    + " must be at least 1h");
        }
        if (sensitivityMinMinutes < 3 || marginalCostMinMinutes < 3) {
            throw new IllegalArgumentException(SENSITIVITY_MIN_MINUTES + " and " + MARGINAL_COST_MIN_MINUTES
                    + " must be at least 3 (a line and its error need three points)");
        }
        if (!(minT > 0)) {
            throw new IllegalArgumentException(MIN_T + " must be positive, was " + minT);
        }
        sloByService = Map.copyOf(sloByService);
    }

    public static ValueSettings from(SpendstreamConfig config) {
        Slo defaults = new Slo(latency(config.find(SLO_LATENCY).orElse(null), SLO_LATENCY),
                target(config.find(SLO_SUCCESS).orElse(null), SLO_SUCCESS));
        Map<String, Slo> byService = new TreeMap<>();
        config.asMap().forEach((key, value) -> {
            if (key.startsWith(SLO_LATENCY + ".") && key.length() > SLO_LATENCY.length() + 1) {
                String service = key.substring(SLO_LATENCY.length() + 1);
                Slo slo = byService.getOrDefault(service, Slo.NONE);
                byService.put(service, new Slo(latency(value, key), slo.target()));
            } else if (key.startsWith(SLO_SUCCESS + ".") && key.length() > SLO_SUCCESS.length() + 1) {
                String service = key.substring(SLO_SUCCESS.length() + 1);
                Slo slo = byService.getOrDefault(service, Slo.NONE);
                byService.put(service, new Slo(slo.latencyMs(), target(value, key)));
            }
        });
        return new ValueSettings(config.getDuration(SETTLE, Duration.ofMinutes(2)),
                config.getDuration(MAX_WAIT, Duration.ofMinutes(10)),
                hours(config, SENSITIVITY_WINDOW, Duration.ofHours(24)),
                config.getInt(SENSITIVITY_MIN_MINUTES, 120),
                config.getDouble(MIN_T, 3.0),
                hours(config, MARGINAL_COST_WINDOW, Duration.ofHours(6)),
                config.getInt(MARGINAL_COST_MIN_MINUTES, 30),
                defaults, byService);
    }

    /** The SLO of a service: its own keys, falling back key by key to the defaults. */
    public Slo slo(String service) {
        return sloByService.getOrDefault(service, Slo.NONE).or(defaultSlo);
    }

    /** Hours of the longest trailing window: how many hours a service's state keeps. */
    public int keptHours() {
        return Math.max(sensitivityHours, marginalCostHours);
    }

    private static int hours(SpendstreamConfig config, String key, Duration defaultValue) {
        Duration window = config.getDuration(key, defaultValue);
        if (window.toMillis() % Duration.ofHours(1).toMillis() != 0) {
            throw new IllegalArgumentException(key + " must be whole hours, was " + window);
        }
        return (int) window.toHours();
    }

    private static Double latency(String text, String key) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            double ms = Double.parseDouble(text.trim());
            if (!(ms > 0) || Double.isInfinite(ms)) {
                throw new IllegalArgumentException(key + " must be a positive number of ms, was " + text.trim());
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of ms, was " + text.trim(), e);
        }
    }

    private static BigDecimal target(String text, String key) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            BigDecimal target = new BigDecimal(text.trim());
            if (target.signum() <= 0 || target.compareTo(BigDecimal.ONE) >= 0) {
                throw new IllegalArgumentException(key + " must be a share between 0 and 1 (e.g. 0.999), was "
                        + text.trim());
            }
            return target;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a decimal share such as 0.999, was " + text.trim(), e);
        }
    }
}
