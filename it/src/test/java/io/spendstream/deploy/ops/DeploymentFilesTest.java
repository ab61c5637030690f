package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.spendstream.deploy.cli.SpendstreamCli;

/**
 * The deployment files parse and agree with each other and with the code: every YAML and JSON file under deploy/'s
 * container, kubernetes, prometheus, alertmanager and grafana directories, the kustomization's resource list, and the
 * Dockerfile's entry point, user, heap and state directory (read, not built: there is no container engine here), and
 * the Jib build of the same image (cli/pom.xml's {@code image} profile) agreeing with the Dockerfile.
 */
class DeploymentFilesTest {

    @Test
    void shouldParseEveryYamlAndJsonFile() {
        List<Path> yaml = OpsFiles.files(OpsFiles::isYaml);
        List<Path> json = OpsFiles.files(name -> name.endsWith(".json"));
        List<String> parsed = new ArrayList<>();
        yaml.forEach(file -> {
            assertThat(OpsFiles.yamlDocuments(file)).as("documents in %s", file).isNotEmpty()
                    .allMatch(JsonNode::isObject, "every document is a mapping");
            parsed.add(file.getFileName().toString());
        });
        json.forEach(file -> {
            assertThat(OpsFiles.json(file).isObject()).as("%s is a JSON object", file).isTrue();
            parsed.add(file.getFileName().toString());
        });
        assertThat(parsed).contains("kustomization.yaml", "ingest.yaml", "notify.yaml", "prometheus.yml",
                "spendstream-rules.yml", "alertmanager.yml", "spendstream-dashboard.json");
    }

    @Test
    void shouldListEveryKubernetesManifestInTheKustomization() {
        JsonNode kustomization = OpsFiles.yaml("kubernetes/kustomization.yaml");
        Set<String> resources = new TreeSet<>();
        kustomization.get("resources").forEach(r -> resources.add(r.asText()));
        Set<String> manifests = OpsFiles.files(OpsFiles::isYaml).stream()
                .filter(p -> p.getParent().getFileName().toString().equals("kubernetes"))
                .map(p -> p.getFileName().toString()).filter(name -> !name.equals("kustomization.yaml"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(resources).as("kustomization resources vs the files in deploy/kubernetes").isEqualTo(manifests);
        assertThat(kustomization.at("/images/0/name").asText()).as("the image name the workloads use")
                .isEqualTo("spendstream");
    }

    @Test
    void shouldRunTheCliAsANonRootUserWithTrustedAvroPackagesAndABoundedHeap() throws Exception {
        Dockerfile dockerfile = Dockerfile.read(OpsFiles.path("container/Dockerfile"));

        List<String> stages = dockerfile.all("FROM");
        assertThat(stages).hasSize(2);
        assertThat(stages.get(0)).startsWith("maven:").contains("temurin-17").endsWith(" AS build");
        assertThat(stages.get(1)).isEqualTo("eclipse-temurin:17-jre");

        List<String> entrypoint = dockerfile.execForm("ENTRYPOINT");
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint).contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.spendstream");
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(SpendstreamCli.class.getName());
        String classpath = entrypoint.get(entrypoint.indexOf("-cp") + 1);
        assertThat(classpath.split(":")).containsExactly("/opt/spendstream/spendstream-cli.jar",
                "/opt/spendstream/lib/*");
        assertThat(dockerfile.all("COPY")).contains("--from=build /out/lib /opt/spendstream/lib",
                "--from=build /out/spendstream-cli.jar /opt/spendstream/spendstream-cli.jar");
        // The build stage copies what cli's package phase produces (jar + target/lib: the production classpath,
        // no broker, no demo, no bench; the cli module's enforcer rule keeps kafka_2.13 out of it).
        assertThat(String.join("\n", dockerfile.all("RUN"))).contains("-pl cli -am package")
                .contains("cp cli/target/spendstream-cli-*.jar /out/spendstream-cli.jar")
                .contains("cp -r cli/target/lib /out/lib");

        assertThat(dockerfile.last("USER")).isEqualTo("10001:10001");
        String javaOptions = dockerfile.env("JDK_JAVA_OPTIONS").orElseThrow();
        // The heap follows the pod's memory limit: half of it, 512 MiB in a 1 GiB pod; no -Xmx to override that.
        assertThat(javaOptions).doesNotContain("-Xmx", "-Xms").contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(Quantities.mebibytes(Quantities.heap(javaOptions, 1L << 30))).isEqualTo(512);
        assertThat(Quantities.mebibytes(Quantities.heap(javaOptions, 2L << 30))).isEqualTo(1024);
        assertThat(dockerfile.env("SPENDSTREAM_STATE_DIR")).contains(KubernetesManifests.load().sharedConfig()
                .get("SPENDSTREAM_STATE_DIR"));
        assertThat(dockerfile.all("CMD")).containsExactly("[\"--help\"]");
        // The default command must be one the CLI accepts.
        SpendstreamCli.commandLine().parseArgs("--help");
    }

    @Test
    void shouldDescribeOneImageInTheJibProfileAndTheDockerfile() {
        Dockerfile dockerfile = Dockerfile.read(OpsFiles.path("container/Dockerfile"));
        JibImage jib = JibImage.read();
        List<String> entrypoint = dockerfile.execForm("ENTRYPOINT");

        assertThat(jib.baseImage()).as("default base image").isEqualTo(dockerfile.last("FROM"));
        assertThat(jib.mainClass()).isEqualTo(entrypoint.get(entrypoint.size() - 1));
        assertThat(entrypoint).containsAll(jib.jvmFlags());
        assertThat(jib.jvmFlags()).contains("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.spendstream");
        assertThat(jib.args()).containsExactly("--help");
        assertThat(jib.environment()).containsOnlyKeys("JDK_JAVA_OPTIONS", "SPENDSTREAM_STATE_DIR");
        jib.environment().forEach((name, value) ->
                assertThat(dockerfile.env(name)).as("Dockerfile ENV %s", name).contains(value));
        assertThat(jib.user()).isEqualTo(dockerfile.last("USER"));
        assertThat(jib.workingDirectory()).isEqualTo(dockerfile.last("WORKDIR"));
        assertThat(String.join(" ", jib.ports())).isEqualTo(dockerfile.last("EXPOSE"));
    }
}
