package io.spendstream.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import picocli.CommandLine;

/**
 * {@code spendstream run} fails at start, with one line naming the address and exit code 1, when the schema registry
 * or the cluster cannot be used: before, it printed "Started ingest" and then hundreds of lines of stack traces. A
 * configuration that can never work (a URL that is no registry) fails at once; an outage (nothing listening, no
 * answer) is waited out, here for the second that {@code spendstream.startup.timeout} allows.
 */
class RunCommandTest {

    @Test
    void shouldSayInOneLineThatTheRegistryIsUnreachable() throws IOException {
        String registry = "http://127.0.0.1:" + closedPort();

        Run run = run("run", "ingest", "-b", "127.0.0.1:" + closedPort(), "-r", registry,
                "--set", "spendstream.startup.timeout=1s", "--set", "spendstream.metrics.port=0");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.lines()).singleElement().asString()
                .startsWith("spendstream: Schema registry at " + registry + "/ is unreachable (GET subjects)")
                .endsWith("(schema.registry.url=" + registry + ")");
        assertThat(run.err).doesNotContain("Started");
    }

    @Test
    void shouldSayInOneLineThatTheUrlIsNoSchemaRegistry() throws IOException {
        HttpServer notARegistry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notARegistry.createContext("/", exchange -> {
            byte[] page = "<html>Not Found</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        notARegistry.start();
        try {
            String url = "http://127.0.0.1:" + notARegistry.getAddress().getPort();

            // No spendstream.startup.timeout: a 404 page is no outage, so the app does not wait.
            Run run = run("run", "ingest", "-b", "127.0.0.1:" + closedPort(), "-r", url,
                    "--set", "spendstream.metrics.port=0");

            assertThat(run.exit).isEqualTo(1);
            assertThat(run.err.lines()).singleElement().asString()
                    .contains("answered GET subjects with HTTP 404 and a body that is not JSON");
        } finally {
            notARegistry.stop(0);
        }
    }

    @Test
    void shouldSayInOneLineThatTheClusterDoesNotAnswer() throws IOException {
        String kafka = "127.0.0.1:" + closedPort();

        Run run = run("run", "ingest", "-b", kafka, "-r", "mock://run-test", "--set", "spendstream.connect.timeout=2s",
                "--set", "spendstream.startup.timeout=1s", "--set", "spendstream.metrics.port=0");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.lines()).containsExactly("spendstream: Kafka at " + kafka + " did not answer within 2s "
                + "(is the cluster up, bootstrap.servers right, security.protocol / sasl.* / ssl.* set?)");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    private static Run run(String... args) {
        CommandLine cli = SpendstreamCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }
}
