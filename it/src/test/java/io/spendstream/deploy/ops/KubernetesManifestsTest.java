package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.spendstream.deploy.cli.Apps;
import io.spendstream.deploy.cli.SpendstreamCli;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.StreamsAppRunner;
import io.spendstream.runtime.StreamsProperties;
import io.spendstream.runtime.config.ConfigLoader;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.MetricsServer;

/**
 * The Kubernetes manifests agree with the code they run: the CLI accepts each container's arguments, probes and
 * scrape annotations point at the port each app really serves, every configuration variable is one the
 * ConfigLoader reads, the grace period covers the configured graceful close, state lives on the volume, memory
 * covers the heap (a share of the limit), each PodDisruptionBudget and Service selects its pods, stream pods join
 * as static members named after the pod, and credentials come from a Secret.
 */
class KubernetesManifestsTest {

    /** JVM memory outside the heap (metaspace, code cache, thread stacks, direct buffers, GC) we budget per pod. */
    private static final long NON_HEAP_BUDGET_MIB = 200;

    private static final String CREDENTIALS = "spendstream-credentials";

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
        assertStreamAppProbes(container);
        assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo("spendstream-config");
        assertThat(container.at("/envFrom/1/secretRef/name").asText()).isEqualTo(CREDENTIALS);
    }

    @ParameterizedTest
    @MethodSource("apps")
    void shouldJoinAsAStaticMemberNamedAfterThePodThatOutlastsARestartWithinTheSessionTimeout(String app) {
        JsonNode statefulSet = manifests.get("StatefulSet", "spendstream-" + app);
        JsonNode variable = find(KubernetesManifests.container(statefulSet).get("env"), "name",
                "KAFKA_GROUP_INSTANCE_ID");
        assertThat(variable.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");

        // The environment of pod 0 as Kubernetes builds it (ConfigMap, Secret stub, the pod's name), through the
        // production config loader and StreamsProperties, into the main consumer's config Kafka Streams derives.
        Map<String, String> env = new LinkedHashMap<>(manifests.sharedConfig());
        env.putAll(manifests.secret(CREDENTIALS));
        env.put("KAFKA_GROUP_INSTANCE_ID", "spendstream-" + app + "-0");
        StreamsApp streamsApp = Apps.create(app);
        SpendstreamConfig config = ConfigLoader.load(streamsApp.defaults(), Optional.empty(), env, Map.of());
        StreamsConfig streams = new StreamsConfig(StreamsProperties.build(streamsApp, config));
        Map<String, Object> consumer = streams.getMainConsumerConfigs("spendstream-" + app, "client", 1);
        assertThat(consumer).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "spendstream-" + app + "-0-1");

        // A member that does not come back within session.timeout.ms is dropped and its tasks move: the timeout
        // must cover one pod's graceful close (its whole grace period, at worst) plus the new pod's start.
        long sessionTimeout = Long.parseLong(String.valueOf(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)));
        long grace = statefulSet.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(Duration.ofMillis(sessionTimeout)).as("session.timeout.ms vs the grace period + 30 s to start")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(grace + 30))
                .as("at most the brokers' default group.max.session.timeout.ms").isLessThanOrEqualTo(
                        Duration.ofMinutes(30));
    }

    @Test
    void shouldReadCredentialsFromASecretStubThatChangesNothingUntilFilledIn() {
        Map<String, String> credentials = manifests.secret(CREDENTIALS);
        assertThat(credentials).containsOnlyKeys("KAFKA_SASL_JAAS_CONFIG", "SPENDSTREAM_BASIC_AUTH_USER_INFO");
        assertThat(ConfigLoader.envKey("KAFKA_SASL_JAAS_CONFIG")).contains("sasl.jaas.config");
        assertThat(ConfigLoader.envKey("SPENDSTREAM_BASIC_AUTH_USER_INFO")).contains("basic.auth.user.info");
        // Empty variables count as unset: the stub sets nothing.
        assertThat(ConfigLoader.fromEnvironment(credentials)).isEmpty();
        assertThat(ConfigLoader.fromEnvironment(Map.of("KAFKA_SASL_JAAS_CONFIG", "x required;")))
                .containsEntry("sasl.jaas.config", "x required;");
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
        long request = Quantities.kubernetes(container.at("/resources/requests/memory").asText());
        long limit = Quantities.kubernetes(container.at("/resources/limits/memory").asText());
        // The image's options, not the pod's: the heap is a share of this limit (MaxRAMPercentage).
        assertThat(container.path("env").findValuesAsText("name")).doesNotContain("JDK_JAVA_OPTIONS");
        long heap = Quantities.heap(imageJavaOptions(), limit);
        assertThat(Quantities.mebibytes(heap)).as("heap MiB").isGreaterThanOrEqualTo(512);
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
        long limit = Quantities.kubernetes(container.at("/resources/limits/memory").asText());
        String javaOptions = find(container.get("env"), "name", "JDK_JAVA_OPTIONS").get("value").asText();
        assertThat(javaOptions).doesNotContain("-Xmx");
        long heap = Quantities.heap(javaOptions, limit);
        assertThat(Quantities.mebibytes(heap)).isEqualTo(256);
        assertThat(limit - heap).isGreaterThanOrEqualTo(NON_HEAP_BUDGET_MIB << 20);
        assertThat(container.at("/envFrom/2/secretRef/name").asText()).isEqualTo(CREDENTIALS);
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

    /** A stream app's probes: a startup probe for opening its local state, then liveness and readiness. */
    private static void assertStreamAppProbes(JsonNode container) {
        // Liveness and readiness start once the startup probe passed: it alone waits for a slow start.
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health");
        assertThat(container.at("/startupProbe/httpGet/port").asText()).isEqualTo("metrics");
        long startupSeconds = container.at("/startupProbe/periodSeconds").asLong()
                * container.at("/startupProbe/failureThreshold").asLong();
        assertThat(startupSeconds).as("seconds a container may take to answer /health").isGreaterThanOrEqualTo(300);
        assertThat(container.at("/livenessProbe/initialDelaySeconds").isMissingNode()).isTrue();
        assertProbes(container);
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
