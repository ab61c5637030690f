package io.spendstream.deploy.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** The objects of deploy/kubernetes (every manifest the kustomization lists), looked up by kind and name. */
record KubernetesManifests(List<JsonNode> objects) {

    static KubernetesManifests load() {
        List<JsonNode> objects = new ArrayList<>();
        OpsFiles.yaml("kubernetes/kustomization.yaml").get("resources").forEach(resource -> {
            Path file = OpsFiles.path("kubernetes/" + resource.asText());
            objects.addAll(OpsFiles.yamlDocuments(file));
        });
        return new KubernetesManifests(List.copyOf(objects));
    }

    JsonNode get(String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind) && o.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("No " + kind + " " + name + " in deploy/kubernetes"));
    }

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** The data of a ConfigMap as a map. */
    Map<String, String> configMap(String name) {
        Map<String, String> data = new LinkedHashMap<>();
        get("ConfigMap", name).path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    /** The stringData of a Secret as a map. */
    Map<String, String> secret(String name) {
        Map<String, String> data = new LinkedHashMap<>();
        get("Secret", name).path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(),
                e.getValue().asText()));
        return data;
    }

    /** The environment every Spendstream container gets (envFrom). */
    Map<String, String> sharedConfig() {
        return configMap("spendstream-config");
    }

    /** The first container of a workload's pod template. */
    static JsonNode container(JsonNode workload) {
        return workload.at("/spec/template/spec/containers/0");
    }

    static Map<String, String> labels(JsonNode labels) {
        Map<String, String> map = new LinkedHashMap<>();
        labels.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
