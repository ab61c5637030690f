package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus, Alertmanager and Kubernetes files pass their own tools' checks: {@code promtool check rules},
 * {@code promtool test rules} (the rules fire, and only, as spendstream-rules.test.yml says), {@code promtool check
 * config}, {@code amtool check-config} and its routing test, {@code kubectl kustomize}; and that every inhibit rule
 * requires the labels it compares.
 */
class MonitoringToolChecksTest {

    private static final String INSTALL_PROMTOOL = "apt-get install -y prometheus (Debian's package has promtool)";
    private static final String INSTALL_AMTOOL = "apt-get install -y prometheus-alertmanager";

    private final Path prometheus = OpsFiles.moduleDir().resolve("prometheus");
    private final Path alertmanager = OpsFiles.moduleDir().resolve("alertmanager");

    @Test
    void shouldPassPromtoolCheckRules() throws Exception {
        String output = CommandLineTool.require("promtool", INSTALL_PROMTOOL).check(prometheus, "check", "rules",
                "spendstream-rules.yml");
        assertThat(output).contains("SUCCESS: 15 rules found");
    }

    @Test
    void shouldFireTheRulesAsTheirUnitTestsExpect() throws Exception {
        String output = CommandLineTool.require("promtool", INSTALL_PROMTOOL).check(prometheus, "test", "rules",
                "spendstream-rules.test.yml");
        assertThat(output).contains("SUCCESS");
    }

    @Test
    void shouldPassPromtoolCheckConfigForTheLocalConfig() throws Exception {
        String output = CommandLineTool.require("promtool", INSTALL_PROMTOOL).check(prometheus, "check", "config",
                "prometheus-local.yml");
        assertThat(output).contains("is valid prometheus config file syntax");
    }

    @Test
    void shouldPassAmtoolCheckConfig() throws Exception {
        String output = CommandLineTool.require("amtool", INSTALL_AMTOOL).check(alertmanager, "check-config",
                "alertmanager.yml");
        assertThat(output).contains("SUCCESS").contains("3 receivers");
    }

    @Test
    void shouldRoutePagesToThePagerTicketsToTicketsAndInfoNowhere() throws Exception {
        CommandLineTool amtool = CommandLineTool.require("amtool", INSTALL_AMTOOL);
        // Labels as `spendstream notify` sends them (AlertmanagerPayload) and as the Prometheus rules set them.
        assertThat(route(amtool, "alertname=COST_SPIKE", "severity=page", "dedup_key=cost-spike:service:checkout",
                "scope_type=service", "scope=checkout", "team=payments")).isEqualTo("spendstream-pager");
        assertThat(route(amtool, "alertname=BURN_RATE", "severity=ticket", "dedup_key=burn-rate:team:payments",
                "team=payments")).isEqualTo("spendstream-tickets");
        assertThat(route(amtool, "alertname=COST_SPIKE", "severity=info", "team=payments")).isEqualTo("blackhole");
        assertThat(route(amtool, "alertname=SpendstreamAppDown", "severity=page", "team=platform"))
                .isEqualTo("spendstream-pager");
        // Another team's Prometheus ticket without dedup_key: still a ticket (inhibition: AlertmanagerInhibitionTest).
        assertThat(route(amtool, "alertname=PaymentsQueueBacklog", "severity=ticket", "team=payments"))
                .isEqualTo("spendstream-tickets");
    }

    @Test
    void shouldRequireEveryEqualLabelOfAnInhibitRuleOnBothSides() {
        // Alertmanager's `equal` holds for a label both alerts lack ("" == ""): a rule that does not require its
        // equal labels lets, e.g., any page without dedup_key inhibit any ticket without one.
        JsonNode rules = OpsFiles.yaml("alertmanager/alertmanager.yml").get("inhibit_rules");
        assertThat(rules).isNotEmpty();
        for (JsonNode rule : rules) {
            for (JsonNode label : rule.get("equal")) {
                String required = label.asText() + "=~\".+\"";
                assertThat(strings(rule.get("source_matchers"))).as("source_matchers of %s", rule).contains(required);
                assertThat(strings(rule.get("target_matchers"))).as("target_matchers of %s", rule).contains(required);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(node -> strings.add(node.asText()));
        return strings;
    }

    @Test
    void shouldBuildTheKustomization() throws Exception {
        // Debian has no kubectl package, so CI does not install it: this check runs where kubectl exists.
        CommandLineTool kubectl = CommandLineTool.find("kubectl").orElse(null);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed: kubectl kustomize deploy/kubernetes "
                + "is not checked here (the manifests are still parsed and checked by KubernetesManifestsTest)");
        String output = kubectl.check(OpsFiles.moduleDir(), "kustomize", "kubernetes");
        assertThat(output.lines().filter(l -> l.startsWith("kind: StatefulSet"))).hasSize(4);
        assertThat(output.lines().filter(l -> l.startsWith("kind: Deployment"))).hasSize(1);
        assertThat(output.lines().filter(l -> l.strip().startsWith("image:")))
                .hasSize(5).allMatch(l -> l.strip().equals("image: registry.example.com/spendstream:0.1.0"));
        assertThat(output.lines().filter(l -> l.strip().equals("namespace: spendstream")).count())
                .isGreaterThanOrEqualTo(10);
        assertThat(output.lines().filter(l -> l.startsWith("kind: Secret"))).hasSize(1);

        String operator = kubectl.check(OpsFiles.moduleDir(), "kustomize", "kubernetes/prometheus-operator");
        assertThat(operator.lines().filter(l -> l.startsWith("kind: "))).containsExactlyInAnyOrder(
                "kind: PodMonitor", "kind: PrometheusRule");
        assertThat(operator.lines().filter(l -> l.strip().equals("namespace: spendstream"))).hasSize(2);
    }

    private String route(CommandLineTool amtool, String... labels) throws Exception {
        String[] arguments = new String[labels.length + 4];
        arguments[0] = "config";
        arguments[1] = "routes";
        arguments[2] = "test";
        arguments[3] = "--config.file=alertmanager.yml";
        System.arraycopy(labels, 0, arguments, 4, labels.length);
        return amtool.check(alertmanager, arguments).strip();
    }
}
