package io.spendstream.runtime.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link HealthSource} says at one moment: live (the process does its work, else {@code /health} answers 503
 * so that the orchestrator restarts it), ready (else {@code /ready} answers 503) and details for the JSON body.
 *
 * @param details shown after {@code status} and {@code ready} in the body, in their iteration order
 */
public record HealthReport(boolean live, boolean ready, Map<String, Object> details) {

    public HealthReport {
        // A copy that keeps the caller's order (Map.copyOf would not).
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The JSON body of both endpoints: {@code {"status":"UP","ready":true, ...details}}. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", live ? "UP" : "DOWN");
        body.put("ready", ready);
        body.putAll(details);
        return body;
    }
}
