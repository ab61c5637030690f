package io.spendstream.deploy.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The image the cli module's {@code image} profile builds with Jib (cli/pom.xml), read from the POM: what the
 * Dockerfile says in instructions, Jib says in plugin configuration, and both must describe one image.
 */
record JibImage(String baseImage, String mainClass, List<String> jvmFlags, List<String> args,
        Map<String, String> environment, String user, String workingDirectory, List<String> ports) {

    static JibImage read() {
        Path pom = OpsFiles.moduleDir().resolve("../cli/pom.xml").normalize();
        try {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
            XPath xpath = XPathFactory.newInstance().newXPath();
            Element profile = (Element) xpath.evaluate("/project/profiles/profile[id='image']", document,
                    XPathConstants.NODE);
            if (profile == null) {
                throw new AssertionError("cli/pom.xml has no 'image' profile");
            }
            String jib = "build/plugins/plugin[artifactId='jib-maven-plugin']/configuration/";
            Map<String, String> environment = new LinkedHashMap<>();
            for (Node variable : nodes(xpath, profile, jib + "container/environment/*")) {
                environment.put(variable.getNodeName(), variable.getTextContent().strip());
            }
            return new JibImage(
                    xpath.evaluate("properties/image.base", profile).strip(),
                    xpath.evaluate(jib + "container/mainClass", profile).strip(),
                    texts(xpath, profile, jib + "container/jvmFlags/jvmFlag"),
                    texts(xpath, profile, jib + "container/args/arg"),
                    environment,
                    xpath.evaluate(jib + "container/user", profile).strip(),
                    xpath.evaluate(jib + "container/workingDirectory", profile).strip(),
                    texts(xpath, profile, jib + "container/ports/port"));
        } catch (Exception e) {
            throw new AssertionError("Cannot read the Jib image configuration of " + pom, e);
        }
    }

    private static List<String> texts(XPath xpath, Node from, String expression) throws Exception {
        return nodes(xpath, from, expression).stream().map(node -> node.getTextContent().strip()).toList();
    }

    private static List<Node> nodes(XPath xpath, Node from, String expression) throws Exception {
        NodeList list = (NodeList) xpath.evaluate(expression, from, XPathConstants.NODESET);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            nodes.add(list.item(i));
        }
        return nodes;
    }
}
