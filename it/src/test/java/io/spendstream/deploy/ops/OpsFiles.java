package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The deployment files under {@code deploy/} (container, kubernetes, prometheus, alertmanager, grafana) as the tests
 * read them: paths relative to {@code deploy/}, YAML (multi-document) and JSON parsed with Jackson.
 */
final class OpsFiles {

    static final List<String> DIRECTORIES = List.of("container", "kubernetes", "prometheus", "alertmanager", "grafana");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpsFiles() {
    }

    /**
     * The repository's {@code deploy/} directory: beside this module's directory, where Maven runs the tests and
     * which it names in {@code basedir}.
     */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../deploy").normalize();
    }

    /** A file under {@code deploy/} that must exist. */
    static Path path(String relative) {
        Path path = moduleDir().resolve(relative);
        assertThat(path).as("deployment file %s", relative).isRegularFile();
        return path;
    }

    /** Every file of the deployment directories whose name matches. */
    static List<Path> files(Predicate<String> name) {
        List<Path> found = new ArrayList<>();
        for (String directory : DIRECTORIES) {
            try (Stream<Path> walk = Files.walk(moduleDir().resolve(directory))) {
                walk.filter(Files::isRegularFile).filter(p -> name.test(p.getFileName().toString())).sorted()
                        .forEach(found::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    static boolean isYaml(String fileName) {
        return fileName.endsWith(".yaml") || fileName.endsWith(".yml");
    }

    /** The documents of a YAML file ("---"-separated), each as a tree; empty documents are skipped. */
    static List<JsonNode> yamlDocuments(Path file) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
        return documents;
    }

    static JsonNode yaml(String relative) {
        List<JsonNode> documents = yamlDocuments(path(relative));
        assertThat(documents).as("%s holds one YAML document", relative).hasSize(1);
        return documents.get(0);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
    }
}
