package io.spendstream.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The console format switch and {@code up}'s Kafka log file, on the production logback configuration. */
class LoggingTest {

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Logging.useFormat(Logging.Format.TEXT);
        System.setErr(originalErr);
    }

    @Test
    void shouldPreferTheFlagThenTheEnvironmentThenText() {
        assertThat(Logging.format(Logging.Format.TEXT, Map.of(Logging.FORMAT_ENV, "json")))
                .isEqualTo(Logging.Format.TEXT);
        assertThat(Logging.format(null, Map.of(Logging.FORMAT_ENV, "JSON"))).isEqualTo(Logging.Format.JSON);
        assertThat(Logging.format(null, Map.of())).isEqualTo(Logging.Format.TEXT);
        assertThatThrownBy(() -> Logging.format(null, Map.of(Logging.FORMAT_ENV, "xml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SPENDSTREAM_LOG_FORMAT=xml");
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithKeyValuePairs() throws IOException {
        Logging.useFormat(Logging.Format.JSON);

        LoggerFactory.getLogger("io.spendstream.test").atWarn().addKeyValue("topic", "spend.usage.raw")
                .addKeyValue("offset", 42L).addKeyValue("reason", "NEGATIVE_COST").log("Dead-lettered {}", "x");

        String[] lines = console.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines[0]);
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("loggerName").asText()).isEqualTo("io.spendstream.test");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("Dead-lettered x");
        assertThat(line.path("kvpList").toString()).contains("\"topic\":\"spend.usage.raw\"")
                .contains("\"offset\":\"42\"").contains("\"reason\":\"NEGATIVE_COST\"");
        assertThat(line.has("context")).isFalse();
    }

    @Test
    void shouldWriteTextLinesByDefault() {
        Logging.useFormat(Logging.Format.TEXT);

        LoggerFactory.getLogger("io.spendstream.test").info("Started ingest");

        assertThat(console.toString(StandardCharsets.UTF_8)).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  test - "
                + "Started ingest\\R");
    }

    @Test
    void shouldSendKafkaLogsToTheFileAndKeepOursOnTheConsole(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kafka.log");
        try (Logging.KafkaLogFile kafkaLog = Logging.sendKafkaLogsTo(file)) {
            LoggerFactory.getLogger("kafka.log.UnifiedLog").error("OutOfOrderSequenceException: transactions v2");
            LoggerFactory.getLogger("org.apache.kafka.clients.producer.internals.Sender")
                    .warn("retrying (2147483646 attempts left)");
            LoggerFactory.getLogger("LogFutureTimestampLogger")
                    .warn("LogSegment(baseOffset=0) contains future timestamp(s)");
            LoggerFactory.getLogger("io.spendstream.runtime.StreamsAppRunner").info("Started ingest");
        }
        LoggerFactory.getLogger("org.apache.kafka.clients.producer.internals.Sender").warn("after close");

        String onConsole = console.toString(StandardCharsets.UTF_8);
        String inFile = Files.readString(file);
        assertThat(inFile).contains("OutOfOrderSequenceException").contains("2147483646 attempts left")
                .contains("future timestamp(s)").doesNotContain("Started ingest").doesNotContain("after close");
        assertThat(onConsole).contains("Started ingest").contains("after close")
                .doesNotContain("OutOfOrderSequenceException").doesNotContain("attempts left")
                .doesNotContain("future timestamp");
    }
}
