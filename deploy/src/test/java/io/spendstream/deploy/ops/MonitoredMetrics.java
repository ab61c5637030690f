package io.spendstream.deploy.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/** The PromQL expressions of the alerting rules and the Grafana dashboard, and the metric names they select. */
final class MonitoredMetrics {

    /** Series Prometheus makes itself for every target rather than scraping them. */
    static final Set<String> SYNTHETIC = Set.of("up");

    private MonitoredMetrics() {
    }

    static List<String> ruleExpressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode group : OpsFiles.yaml("prometheus/spendstream-rules.yml").get("groups")) {
            group.get("rules").forEach(rule -> expressions.add(rule.get("expr").asText()));
        }
        return expressions;
    }

    static List<String> dashboardExpressions() {
        List<String> expressions = new ArrayList<>();
        collectTargets(OpsFiles.json(OpsFiles.path("grafana/spendstream-dashboard.json")).get("panels"), expressions);
        return expressions;
    }

    /** Every metric the rules and the dashboard select, except Prometheus' own {@link #SYNTHETIC} series. */
    static Set<String> scrapedNames() {
        Set<String> names = new TreeSet<>();
        ruleExpressions().forEach(e -> names.addAll(PromQlMetricNames.of(e)));
        dashboardExpressions().forEach(e -> names.addAll(PromQlMetricNames.of(e)));
        names.removeAll(SYNTHETIC);
        return names;
    }

    private static void collectTargets(JsonNode panels, List<String> into) {
        for (JsonNode panel : panels) {
            panel.path("targets").forEach(target -> into.add(target.get("expr").asText()));
            // Collapsed rows keep their panels inside.
            collectTargets(panel.path("panels"), into);
        }
    }
}
