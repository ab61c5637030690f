package io.spendstream.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code spendstream tail} without a broker, its flags, and the connection settings its consumer gets. */
class TailCommandTest {

    @Test
    void shouldFailWithOneLineAndExitOneWhenNoBrokerAnswers() throws IOException {
        String address = "127.0.0.1:" + closedPort();
        Instant start = Instant.now();

        Run run = run("tail", "spend.dlq", "-b", address, "-r", "mock://tail-test", "--timeout", "1s");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.lines()).containsExactly("spendstream: Kafka at " + address + " did not answer within 1s "
                + "(is the broker up? is -b/--bootstrap-servers right? security.protocol, sasl.*, ssl.* through "
                + "--config or --set)");
        assertThat(run.out).isEmpty();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldFailWithOneLineForAnUnresolvableBootstrapAddress() {
        Run run = run("tail", "spend.dlq", "-b", "no-such-host.invalid:9092", "-r", "mock://tail-test",
                "--timeout", "1s");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.lines()).singleElement().asString()
                .startsWith("spendstream: Cannot connect to Kafka at no-such-host.invalid:9092: ");
    }

    @Test
    void shouldReadDashFAsFollowAndKeepFromBeginningApart() {
        TailCommand follow = parse("spend.dlq", "-f");
        TailCommand both = parse("spend.dlq", "--follow", "--from-beginning");
        TailCommand neither = parse("spend.dlq");

        assertThat(follow.follow).isTrue();
        assertThat(follow.fromBeginning).isFalse();
        assertThat(both.follow).isTrue();
        assertThat(both.fromBeginning).isTrue();
        assertThat(neither.follow).isFalse();
    }

    @Test
    void shouldGiveTheConsumerTheSecuritySettingsItsHelpAdvertises() {
        TailCommand tail = parse("spend.dlq", "-b", "kafka:9093", "--set", "security.protocol=SASL_SSL",
                "--set", "sasl.mechanism=PLAIN",
                "--set", "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "--set", "ssl.truststore.location=/etc/kafka/truststore.p12",
                "--set", "consumer.max.poll.records=50", "--set", "spendstream.topics.partitions=12");

        Map<String, Object> props = TailCommand.consumerProps(tail.connection.resolve(Map.of()));

        assertThat(props).containsEntry("bootstrap.servers", "kafka:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("max.poll.records", "50")
                .containsKey("sasl.jaas.config")
                .doesNotContainKey("spendstream.topics.partitions");
    }

    private static TailCommand parse(String... args) {
        TailCommand tail = new TailCommand();
        new CommandLine(tail).parseArgs(args);
        return tail;
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
