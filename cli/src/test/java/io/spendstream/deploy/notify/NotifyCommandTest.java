package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import io.spendstream.deploy.cli.SpendstreamCli;
import picocli.CommandLine;

/** {@code spendstream notify} refuses a command line it cannot work with, before connecting to anything. */
class NotifyCommandTest {

    @Test
    void shouldExitWithTwoAndSayWhyWhenThereIsNoTarget() {
        assertThat(run("notify", "-b", "localhost:1")).startsWith("2 ").contains("Nowhere to send alerts");
    }

    @Test
    void shouldExitWithTwoForATargetThatIsNotAnHttpUrl() {
        assertThat(run("notify", "--webhook", "ftp://files.example.com/x")).startsWith("2 ")
                .contains("--webhook ftp://files.example.com/x is not an http(s) URL");
        assertThat(run("notify", "--alertmanager", "alertmanager:9093")).startsWith("2 ")
                .contains("is not an http(s) URL");
    }

    @Test
    void shouldExitWithTwoForABackoffThatCannotGrow() {
        assertThat(run("notify", "--webhook", "http://localhost:1/x", "--initial-backoff", "10s",
                "--max-backoff", "1s")).startsWith("2 ").contains("shorter than the initial");
    }

    @Test
    void shouldExitWithTwoForAMetricsPortThatIsNotAPort() {
        assertThat(run("notify", "-b", "localhost:1", "--webhook", "http://localhost:1/x", "--metrics-port", "70000"))
                .startsWith("2 ").contains("spendstream.metrics.port=70000 is not a port");
    }

    private static String run(String... args) {
        CommandLine cli = SpendstreamCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return exit + " " + err;
    }
}
