package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules and the dashboard work however Spendstream is scraped (they select {@code part_of}, never a
 * job name, which a PodMonitor sets differently), and every rule links to its runbook section in
 * docs/operations.md. What the rules do is tested by promtool ({@link MonitoringToolChecksTest}).
 */
class PrometheusRulesTest {

    private static final String RUNBOOKS = "https://spendstream.example.com/docs/operations.md#";

    @Test
    void shouldSelectByPartOfAndNeverByJob() {
        assertThat(MonitoredMetrics.ruleExpressions()).hasSize(15).allSatisfy(expression -> assertThat(expression)
                .doesNotContain("job=").contains("part_of=\"spendstream\""));
        assertThat(MonitoredMetrics.dashboardExpressions()).isNotEmpty().allSatisfy(expression ->
                assertThat(expression).doesNotContain("job="));
    }

    @Test
    void shouldLinkEveryRuleToItsRunbookSection() throws IOException {
        Set<String> anchors = Files.readAllLines(operationsDoc())
                .stream().filter(line -> line.startsWith("#")).map(PrometheusRulesTest::anchor)
                .collect(Collectors.toSet());
        for (JsonNode group : OpsFiles.yaml("prometheus/spendstream-rules.yml").get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.get("alert").asText();
                String url = rule.at("/annotations/runbook_url").asText();
                assertThat(url).as("runbook_url of %s", alert).isEqualTo(RUNBOOKS + alert.toLowerCase(Locale.ROOT));
                assertThat(anchors).as("a heading in docs/operations.md for %s", alert)
                        .contains(url.substring(RUNBOOKS.length()));
            }
        }
    }

    /** The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as dashes. */
    private static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }

    private static Path operationsDoc() {
        return OpsFiles.moduleDir().resolve("../docs/operations.md").normalize();
    }
}
