package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/prometheus-operator agrees with deploy/prometheus: the PrometheusRule holds exactly the groups of
 * spendstream-rules.yml (a copy, so this test is what keeps it from drifting), and the PodMonitor scrapes every
 * Spendstream workload on its metrics port and adds the same part_of and component labels as the scrape job.
 */
class PrometheusOperatorFilesTest {

    private final KubernetesManifests manifests = KubernetesManifests.load();

    @Test
    void shouldHoldExactlyTheRulesOfTheRuleFileInThePrometheusRule() {
        JsonNode rule = single("prometheusrule.yaml");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.at("/spec/groups"))
                .as("spec.groups of prometheusrule.yaml vs groups of spendstream-rules.yml; regenerate it with "
                        + "the command in its header")
                .isEqualTo(OpsFiles.yaml("prometheus/spendstream-rules.yml").get("groups"));
    }

    @Test
    void shouldScrapeEveryWorkloadOnItsMetricsPortWithTheScrapeJobsLabels() {
        JsonNode podMonitor = single("podmonitor.yaml");
        assertThat(podMonitor.path("kind").asText()).isEqualTo("PodMonitor");
        Map<String, String> selector = KubernetesManifests.labels(podMonitor.at("/spec/selector/matchLabels"));
        JsonNode endpoint = podMonitor.at("/spec/podMetricsEndpoints/0");
        List<JsonNode> workloads = new ArrayList<>(manifests.ofKind("StatefulSet"));
        workloads.addAll(manifests.ofKind("Deployment"));
        assertThat(workloads).hasSize(5);
        for (JsonNode workload : workloads) {
            assertThat(KubernetesManifests.labels(workload.at("/spec/template/metadata/labels")))
                    .containsAllEntriesOf(selector);
            JsonNode port = KubernetesManifests.container(workload).at("/ports/0");
            assertThat(port.path("name").asText()).isEqualTo(endpoint.path("port").asText());
            assertThat(workload.at("/spec/template/metadata/annotations/prometheus.io~1path").asText())
                    .isEqualTo(endpoint.path("path").asText());
        }
        // The labels the rules and the dashboard select and group by, from the same pod labels as prometheus.yml.
        Map<String, String> operator = new LinkedHashMap<>();
        endpoint.path("relabelings").forEach(r -> operator.put(r.path("targetLabel").asText(),
                r.at("/sourceLabels/0").asText()));
        Map<String, String> scrapeJob = new LinkedHashMap<>();
        OpsFiles.yaml("prometheus/prometheus.yml").at("/scrape_configs/0/relabel_configs").forEach(r -> {
            if (r.has("target_label") && List.of("part_of", "component").contains(r.get("target_label").asText())) {
                scrapeJob.put(r.get("target_label").asText(), r.at("/source_labels/0").asText());
            }
        });
        assertThat(scrapeJob).containsOnlyKeys("part_of", "component");
        assertThat(operator).containsAllEntriesOf(scrapeJob);
    }

    @Test
    void shouldListBothResourcesInItsOwnKustomization() {
        JsonNode kustomization = OpsFiles.yaml("kubernetes/prometheus-operator/kustomization.yaml");
        List<String> resources = new ArrayList<>();
        kustomization.get("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactlyInAnyOrder("podmonitor.yaml", "prometheusrule.yaml");
        assertThat(kustomization.path("namespace").asText()).isEqualTo("spendstream");
    }

    private static JsonNode single(String file) {
        return OpsFiles.yaml("kubernetes/prometheus-operator/" + file);
    }
}
