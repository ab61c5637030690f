package io.spendstream.deploy.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/** The PromQL expressions of the alerting rules and the Grafana dashboard, and the metric names they select. */
public final class MonitoredMetrics {

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

    /** The prefix of the meters only {@code spendstream notify} serves (checked by its integration test). */
    public static final String NOTIFIER_PREFIX = "spendstream_notify_";

    /** Every metric the rules and the dashboard select, except Prometheus' own {@link #SYNTHETIC} series. */
    public static Set<String> scrapedNames() {
        Set<String> names = new TreeSet<>();
        ruleExpressions().forEach(e -> names.addAll(PromQlMetricNames.of(e)));
        dashboardExpressions().forEach(e -> names.addAll(PromQlMetricNames.of(e)));
        names.removeAll(SYNTHETIC);
        return names;
    }

    /** The {@link #scrapedNames()} the four stream apps serve: all but the notifier's. */
    static Set<String> streamAppNames() {
        Set<String> names = scrapedNames();
        names.removeIf(name -> name.startsWith(NOTIFIER_PREFIX));
        return names;
    }

    /** The {@link #scrapedNames()} only the notifier serves. */
    public static Set<String> notifierNames() {
        Set<String> names = scrapedNames();
        names.removeIf(name -> !name.startsWith(NOTIFIER_PREFIX));
        return names;
    }

    /** The metric names of a Prometheus text exposition (sample lines, not # HELP / # TYPE). */
    public static Set<String> namesIn(String exposition) {
        Set<String> names = new TreeSet<>();
        exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        });
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
