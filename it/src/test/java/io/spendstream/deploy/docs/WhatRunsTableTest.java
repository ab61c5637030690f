package io.spendstream.deploy.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.spendstream.deploy.cli.Apps;
import io.spendstream.runtime.AppTopics;
import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.Topic;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.SchemaRegistryClients;

/**
 * README.md's "What runs" table says which topics each app reads and writes; it must say what the apps declare
 * ({@code StreamsApp.topics}, itself checked against each topology), so that the table cannot drift from the code.
 * Each app class's javadoc, which explains the app topic by topic, may name only topics the app declares.
 */
class WhatRunsTableTest {

    /** A topic name in backquotes (default names: {@code spend.} and dotted words). */
    private static final Pattern TOPIC = Pattern.compile("`(spend\\.[a-z.-]+)`");

    private final SpendstreamTopics topics = new SpendstreamTopics(TopicNames.from(Map.of()),
            SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryClients.URL,
                    SchemaRegistryClients.MOCK_PREFIX + "what-runs")));

    @Test
    void shouldListWhatEachAppDeclaresInTheReadmeTable() throws IOException {
        Map<String, Set<String>> reads = new LinkedHashMap<>();
        Map<String, Set<String>> writes = new LinkedHashMap<>();
        for (String[] row : whatRunsRows()) {
            // "attribution (commitments)" is a second row of attribution.
            String app = row[1].trim().replaceAll("^`([a-z]+)`.*$", "$1");
            reads.computeIfAbsent(app, a -> new TreeSet<>()).addAll(topicsIn(row[2]));
            writes.computeIfAbsent(app, a -> new TreeSet<>()).addAll(topicsIn(row[3]));
        }

        assertThat(reads.keySet()).as("apps of the table").containsExactlyElementsOf(Apps.names());
        for (String app : Apps.names()) {
            AppTopics declared = Apps.create(app).topics(topics);
            assertThat(reads.get(app)).as("README: what %s reads", app)
                    .containsExactlyInAnyOrderElementsOf(declared.readNames());
            assertThat(writes.get(app)).as("README: what %s writes (dead letters apart)", app)
                    .containsExactlyInAnyOrderElementsOf(declared.outputNames());
        }
    }

    @Test
    void shouldDeclareEveryPipelineTopicInSomeApp() {
        Set<String> declared = new HashSet<>();
        for (String app : Apps.names()) {
            AppTopics appTopics = Apps.create(app).topics(topics);
            declared.addAll(appTopics.readNames());
            declared.addAll(appTopics.writeNames());
        }
        assertThat(declared).as("topics some app reads or writes")
                .containsExactlyInAnyOrderElementsOf(topics.all().stream().map(Topic::name).toList());
    }

    @Test
    void shouldNameOnlyDeclaredTopicsInEachAppsJavadoc() throws IOException {
        Pattern inJavadoc = Pattern.compile("\\{@code (spend\\.[a-z.-]+)}");
        for (String app : Apps.names()) {
            Class<?> appClass = Apps.create(app).getClass();
            Path source = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
                    .resolve("../apps/" + app + "/src/main/java").resolve(appClass.getName().replace('.', '/') + ".java")
                    .normalize();
            String text = Files.readString(source);
            String javadoc = text.substring(0, text.indexOf("public final class " + appClass.getSimpleName()));
            Set<String> named = new TreeSet<>();
            Matcher matcher = inJavadoc.matcher(javadoc);
            while (matcher.find()) {
                named.add(matcher.group(1));
            }
            AppTopics declared = Apps.create(app).topics(topics);
            Set<String> declaredNames = new HashSet<>(declared.readNames());
            declaredNames.addAll(declared.writeNames());
            assertThat(named).as("topics the javadoc of %s names", appClass.getSimpleName()).isNotEmpty()
                    .isSubsetOf(declaredNames);
        }
    }

    private static List<String[]> whatRunsRows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
                .resolve("../README.md").normalize());
        int section = lines.indexOf("## What runs");
        assertThat(section).as("the section '## What runs' in README.md").isNotNegative();
        List<String[]> rows = lines.subList(section + 1, lines.size()).stream()
                .takeWhile(line -> !line.startsWith("## "))
                .filter(line -> line.startsWith("| `"))
                .map(line -> line.split("\\|"))
                .toList();
        assertThat(rows).as("rows of the 'What runs' table").isNotEmpty();
        return rows;
    }

    private static Set<String> topicsIn(String cell) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = TOPIC.matcher(cell);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
