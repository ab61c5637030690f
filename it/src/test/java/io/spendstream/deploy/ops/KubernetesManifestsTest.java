package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.cli.SpendstreamCli;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.metrics.MetricsServer;

/**
 * The Kubernetes manifests agree with the code they run: the CLI accepts each container's arguments, probes and
 * scrape annotations point at the port each app really serves, every configuration variable is one the
 * ConfigLoader reads, the grace period covers the configured graceful close, state lives on the volume, memory
 * covers the heap, and each PodDisruptionBudget and Service selects its pods.
 */
class KubernetesManifestsTest {

    /** JVM memory outside the heap (metaspace, code cache, thread stacks, direct buffers, GC) we budget per pod. */
    private static final long NON_HEAP_BUDGET_MIB = 200;

    private final KubernetesManifests manifests = KubernetesManifests.load();

    static List<String> apps() {
        return Apps.names();
    }

    @ParameterizedTest
    @MethodSource("apps")
    void shouldRunEachStreamAppAsAStatefulSetTheCliAcceptsWithProbesOnItsMetricsPort(String app) {
        JsonNode statefulSet = manifests.get("StatefulSet", "spendstream-" + app);
        JsonNode container = KubernetesManifests.container(statefulSet);
        List<String> args = strings(container.get("args"));
        assertThat(args).containsExactly("run", app);
        SpendstreamCli.commandLine().parseArgs(args.toArray(String[]::new));

        int port = Integer.parseInt(Apps.create(app).defaults().get(MetricsServer.PORT));
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("metrics");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
        assertThat(statefulSet.at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
                .isEqualTo(String.valueOf(port));
        assertThat(manifests.get("Service", "spendstream-" + app).at("/spec/ports/0/port").asInt()).isEqualTo(port);
        assertProbes(container);
        assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo("spendstream-config");
    }

    @ParameterizedTest
    @MethodSource("apps")
    void shouldKeepStateOnAPersistentVolumeAndCloseWithinTheGracePeriod(String app) {
        JsonNode statefulSet = manifests.get("StatefulSet", "spendstream-" + app);
        JsonNode container = KubernetesManifests.container(statefulSet);
        String stateDir = manifests.sharedConfig().get("SPENDSTREAM_STATE_DIR");
        assertThat(ConfigLoader.envKey("SPENDSTREAM_STATE_DIR")).contains("spendstream.state.dir");
        JsonNode stateMount = find(container.get("volumeMounts"), "name", "state");
        assertThat(stateDir).startsWith(stateMount.get("mountPath").asText() + "/");
        assertThat(statefulSet.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("state");
        assertThat(statefulSet.at("/spec/volumeClaimTemplates/0/spec/accessModes/0").asText())
                .isEqualTo("ReadWriteOnce");

        Duration shutdown = Durations.parse(manifests.sharedConfig().getOrDefault("SPENDSTREAM_SHUTDOWN_TIMEOUT",
                Durations.format(StreamsAppRunner.DEFAULT_SHUTDOWN_TIMEOUT)));
        long grace = statefulSet.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(grace).as("terminationGracePeriodSeconds vs spendstream.shutdown.timeout %s", shutdown)
                .isGreaterThanOrEqualTo(shutdown.toSeconds() + 15);
        assertThat(statefulSet.at("/spec/replicas").asInt()).isGreaterThan(
                Integer.parseInt(manifests.sharedConfig().get("KAFKA_NUM_STANDBY_REPLICAS")));
    }

    @ParameterizedTest
    @MethodSource("apps")
    void shouldGiveEachStreamAppMemoryForHeapAndRocksDbWithRequestsEqualToLimits(String app) {
        JsonNode container = KubernetesManifests.container(manifests.get("StatefulSet", "spendstream-" + app));
        long heap = Quantities.jvm(imageJavaOptions(), "Xmx");
        long request = Quantities.kubernetes(container.at("/resources/requests/memory").asText());
        long limit = Quantities.kubernetes(container.at("/resources/limits/memory").asText());
        assertThat(request).isEqualTo(limit);
        assertThat(Quantities.mebibytes(limit - heap)).as("MiB left for non-heap JVM memory and RocksDB")
                .isGreaterThanOrEqualTo(NON_HEAP_BUDGET_MIB + 256);
        assertThat(container.at("/resources/requests/cpu").isMissingNode()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("apps")
    void shouldSelectEachAppsPodsWithItsDisruptionBudgetAndService(String app) {
        JsonNode statefulSet = manifests.get("StatefulSet", "spendstream-" + app);
        Map<String, String> podLabels = KubernetesManifests.labels(statefulSet.at("/spec/template/metadata/labels"));
        JsonNode budget = manifests.get("PodDisruptionBudget", "spendstream-" + app);
        assertThat(podLabels).containsAllEntriesOf(KubernetesManifests.labels(budget.at("/spec/selector/matchLabels")));
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        JsonNode service = manifests.get("Service", "spendstream-" + app);
        assertThat(podLabels).containsAllEntriesOf(KubernetesManifests.labels(service.at("/spec/selector")));
        assertThat(statefulSet.at("/spec/serviceName").asText()).isEqualTo("spendstream-" + app);
        assertThat(podLabels).containsAllEntriesOf(
                KubernetesManifests.labels(statefulSet.at("/spec/selector/matchLabels")));
        // Prometheus' relabelling turns this label into `component`, which the rules and the dashboard group by.
        assertThat(podLabels).containsEntry("app.kubernetes.io/component", app)
                .containsEntry("app.kubernetes.io/part-of", "spendstream");
    }

    @Test
    void shouldOnlySetVariablesTheConfigLoaderReads() {
        Map<String, String> config = manifests.sharedConfig();
        assertThat(config).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "SPENDSTREAM_SCHEMA_REGISTRY_URL");
        config.keySet().forEach(variable -> assertThat(ConfigLoader.envKey(variable))
                .as("%s must name a setting, or the apps silently ignore it", variable).isPresent());
        assertThat(ConfigLoader.fromEnvironment(config)).containsEntry("bootstrap.servers",
                config.get("KAFKA_BOOTSTRAP_SERVERS")).containsEntry("schema.registry.url",
                config.get("SPENDSTREAM_SCHEMA_REGISTRY_URL")).containsEntry("num.standby.replicas", "1");
    }

    @Test
    void shouldRunTheNotifierWithArgumentsTheCliAcceptsAndProbesOnPort9405() {
        JsonNode deployment = manifests.get("Deployment", "spendstream-notify");
        JsonNode container = KubernetesManifests.container(deployment);
        Map<String, String> notifyConfig = manifests.configMap("spendstream-notify");
        List<String> args = new ArrayList<>();
        // Kubernetes expands $(VAR) in args from the container's environment.
        strings(container.get("args")).forEach(arg -> args.add(arg.equals("$(ALERTMANAGER_URL)")
                ? notifyConfig.get("ALERTMANAGER_URL") : arg));
        assertThat(args).startsWith("notify", "--alertmanager").doesNotContain("$(ALERTMANAGER_URL)");
        SpendstreamCli.commandLine().parseArgs(args.toArray(String[]::new));

        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9405);
        assertThat(deployment.at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
                .isEqualTo("9405");
        assertProbes(container);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
        long heap = Quantities.jvm(find(container.get("env"), "name", "JDK_JAVA_OPTIONS").get("value").asText(),
                "Xmx");
        assertThat(Quantities.kubernetes(container.at("/resources/limits/memory").asText()) - heap)
                .isGreaterThanOrEqualTo(NON_HEAP_BUDGET_MIB << 20);
    }

    @Test
    void shouldRunEveryContainerAsTheImagesNonRootUserWithAWritableTmp() {
        List<JsonNode> workloads = new ArrayList<>(manifests.ofKind("StatefulSet"));
        workloads.addAll(manifests.ofKind("Deployment"));
        assertThat(workloads).hasSize(Apps.names().size() + 1);
        String imageUser = Dockerfile.read(OpsFiles.path("container/Dockerfile")).last("USER").split(":")[0];
        for (JsonNode workload : workloads) {
            JsonNode pod = workload.at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsUser").asText()).isEqualTo(imageUser);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
            JsonNode container = KubernetesManifests.container(workload);
            assertThat(container.at("/image").asText()).isEqualTo("spendstream:0.1.0");
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
            // RocksDB unpacks its JNI library into java.io.tmpdir; a read-only root needs a volume there.
            assertThat(find(container.get("volumeMounts"), "name", "tmp").get("mountPath").asText()).isEqualTo("/tmp");
        }
    }

    private static void assertProbes(JsonNode container) {
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
        assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("metrics");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/ready");
        assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("metrics");
    }

    private static String imageJavaOptions() {
        return Dockerfile.read(OpsFiles.path("container/Dockerfile")).env("JDK_JAVA_OPTIONS").orElseThrow();
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.path(field).asText().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("No element with " + field + "=" + value + " in " + array);
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(node -> strings.add(node.asText()));
        return strings;
    }
}
