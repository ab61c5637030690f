package io.spendstream.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The module tree says what runs where, and these checks keep it saying so: read from the poms (the root pom's
 * module list, each module's declared dependencies), the graph has no cycle, the four stream apps depend on schemas
 * and runtime only, and the production command ({@code cli}, the container image's classpath) reaches neither the
 * broker nor the local-only modules. cli's enforcer rule checks the same for its transitive third-party
 * dependencies.
 */
class ModuleGraphTest {

    private static final String GROUP = "io.spendstream";
    private static final List<String> APPS = List.of("spendstream-ingest", "spendstream-enrich",
            "spendstream-attribution", "spendstream-anomaly");
    private static final Set<String> BROKER = Set.of("org.apache.kafka:kafka_2.13",
            "org.apache.kafka:kafka-server", "org.apache.kafka:kafka-test-common-runtime");

    /** A declared dependency: groupId:artifactId, its scope (compile if none) and type (jar if none). */
    record Dependency(String coordinates, String scope, String type) {

        boolean isModule() {
            return coordinates.startsWith(GROUP + ":");
        }

        String artifactId() {
            return coordinates.substring(coordinates.indexOf(':') + 1);
        }

        boolean onRuntimeClasspath() {
            return !scope.equals("test") && !scope.equals("provided");
        }
    }

    /** artifactId -> its declared dependencies, for every module of the root pom. */
    private static final Map<String, List<Dependency>> MODULES = new LinkedHashMap<>();
    private static final Map<String, Element> POMS = new LinkedHashMap<>();

    @BeforeAll
    static void readPoms() throws Exception {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
        Element parent = pom(root.resolve("pom.xml"));
        for (Element module : children(child(parent, "modules"), "module")) {
            Element pom = pom(root.resolve(module.getTextContent().trim()).resolve("pom.xml"));
            String artifactId = text(pom, "artifactId");
            List<Dependency> dependencies = new ArrayList<>();
            Element declared = child(pom, "dependencies");
            if (declared != null) {
                for (Element dependency : children(declared, "dependency")) {
                    String scope = text(dependency, "scope");
                    String type = text(dependency, "type");
                    dependencies.add(new Dependency(text(dependency, "groupId") + ":" + text(dependency, "artifactId"),
                            scope == null ? "compile" : scope, type == null ? "jar" : type));
                }
            }
            MODULES.put(artifactId, dependencies);
            POMS.put(artifactId, pom);
        }
    }

    @Test
    void shouldReadEveryModuleOfTheLayout() {
        assertThat(MODULES.keySet()).containsExactlyInAnyOrder("spendstream-schemas", "spendstream-runtime",
                "spendstream-ingest", "spendstream-enrich", "spendstream-attribution", "spendstream-anomaly",
                "spendstream-notify", "spendstream-cli", "spendstream-local", "spendstream-tools",
                "spendstream-microbench", "spendstream-it");
    }

    @Test
    void shouldHaveNoCycleBetweenModulesInAnyScope() {
        Map<String, Set<String>> edges = new LinkedHashMap<>();
        MODULES.forEach((module, dependencies) -> edges.put(module, moduleDependencies(module, false)));
        List<String> order = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String module : edges.keySet()) {
            visit(module, edges, visiting, order);
        }
        assertThat(order).as("every module in a dependency order").hasSameSizeAs(MODULES.keySet());
    }

    @Test
    void shouldLetTheStreamAppsDependOnSchemasAndRuntimeOnly() {
        for (String app : APPS) {
            assertThat(moduleDependencies(app, true)).as("%s at run time", app)
                    .contains("spendstream-runtime").isSubsetOf("spendstream-runtime", "spendstream-schemas");
            assertThat(MODULES.get(app).stream().filter(Dependency::isModule).filter(d -> !d.onRuntimeClasspath()))
                    .as("%s in its tests: the runtime's test fixtures only", app)
                    .allMatch(d -> d.artifactId().equals("spendstream-runtime") && d.type().equals("test-jar"));
        }
        assertThat(moduleDependencies("spendstream-runtime", false)).containsExactly("spendstream-schemas");
        assertThat(moduleDependencies("spendstream-schemas", false)).isEmpty();
    }

    @Test
    void shouldKeepTheBrokerAndTheLocalOnlyModulesOutOfTheProductionCommand() {
        Set<String> production = closure("spendstream-cli");
        assertThat(production).as("what the container image ships (cli and the modules it reaches at run time)")
                .containsExactlyInAnyOrder("spendstream-cli", "spendstream-notify", "spendstream-ingest",
                        "spendstream-enrich", "spendstream-attribution", "spendstream-anomaly",
                        "spendstream-runtime", "spendstream-schemas");
        for (String module : production) {
            assertThat(MODULES.get(module).stream().filter(Dependency::onRuntimeClasspath)
                    .map(Dependency::coordinates)).as("%s's run-time dependencies", module)
                    .doesNotContainAnyElementsOf(BROKER);
        }
        assertThat(bannedByEnforcer("spendstream-cli")).as("cli's enforcer rule (transitive dependencies)")
                .containsAll(BROKER).contains("io.spendstream:spendstream-local", "io.spendstream:spendstream-tools");
    }

    @Test
    void shouldDeclareTheBrokerOnlyInTheLocalModule() {
        MODULES.forEach((module, dependencies) -> {
            if (!module.equals("spendstream-local")) {
                assertThat(dependencies.stream().filter(Dependency::onRuntimeClasspath).map(Dependency::coordinates))
                        .as("%s's run-time dependencies", module).doesNotContainAnyElementsOf(BROKER);
            }
        });
    }

    /** The spendstream modules {@code module} declares, at run time only or in any scope. */
    private static Set<String> moduleDependencies(String module, boolean runtimeOnly) {
        Set<String> found = new LinkedHashSet<>();
        for (Dependency dependency : MODULES.get(module)) {
            if (dependency.isModule() && (!runtimeOnly || dependency.onRuntimeClasspath())) {
                assertThat(MODULES).as("%s depends on a module of the build", module)
                        .containsKey(dependency.artifactId());
                found.add(dependency.artifactId());
            }
        }
        return found;
    }

    /** {@code module} and every module it reaches at run time. */
    private static Set<String> closure(String module) {
        Set<String> reached = new LinkedHashSet<>();
        List<String> pending = new ArrayList<>(List.of(module));
        while (!pending.isEmpty()) {
            String next = pending.remove(pending.size() - 1);
            if (reached.add(next)) {
                pending.addAll(moduleDependencies(next, true));
            }
        }
        return reached;
    }

    private static void visit(String module, Map<String, Set<String>> edges, Set<String> visiting,
            List<String> order) {
        if (order.contains(module)) {
            return;
        }
        assertThat(visiting.add(module)).as("no cycle, but %s -> %s", String.join(" -> ", visiting), module)
                .isTrue();
        for (String dependency : edges.get(module)) {
            visit(dependency, edges, visiting, order);
        }
        visiting.remove(module);
        order.add(module);
    }

    private static Set<String> bannedByEnforcer(String module) {
        Set<String> banned = new LinkedHashSet<>();
        NodeList excludes = POMS.get(module).getElementsByTagName("exclude");
        for (int i = 0; i < excludes.getLength(); i++) {
            Node exclude = excludes.item(i);
            if (exclude.getParentNode().getParentNode().getNodeName().equals("bannedDependencies")) {
                banned.add(exclude.getTextContent().trim());
            }
        }
        return banned;
    }

    private static Element pom(Path file) throws Exception {
        assertThat(file).isRegularFile();
        try (var in = Files.newInputStream(file)) {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            return document.getDocumentElement();
        }
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }
}
