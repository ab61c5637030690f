package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Any;
import io.spendstream.schemas.DeadLetterReasons.Ingest;
import io.spendstream.schemas.Money;

/** APM interval summaries through the ingest topology: spend.apm.raw to spend.apm, or spend.dlq with a reason. */
class IngestAppApmTest {

    @Test
    void shouldNormaliseASummaryKeyedByServiceAtWindowStart() {
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            fixture.input(fixture.topics().apmRaw).pipeInput(TestRows.utf8("any"), TestRows.bytes(TestRows.apm()));

            TestRecord<String, ApmRecord> record = fixture.output(fixture.topics().apm).readRecord();
            assertThat(record.key()).isEqualTo("checkout");
            assertThat(record.timestamp()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z").toEpochMilli());
            ApmRecord apm = record.value();
            assertThat(apm.getService()).isEqualTo("checkout");
            assertThat(apm.getOperation()).isEqualTo("POST /pay");
            assertThat(apm.getWindowStart()).isEqualTo(Instant.parse("2026-11-23T10:00:00Z"));
            assertThat(apm.getWindowEnd()).isEqualTo(Instant.parse("2026-11-23T10:00:10Z"));
            assertThat(apm.getRequests()).isEqualTo(1200L);
            assertThat(apm.getErrors()).isEqualTo(3L);
            assertThat(apm.getLatencyP50Ms()).isEqualTo(41.0);
            assertThat(apm.getLatencyP95Ms()).isEqualTo(120.0);
            assertThat(apm.getLatencyP99Ms()).isEqualTo(310.0);
            assertThat(apm.getConversionCount()).isEqualTo(37L);
            assertThat(apm.getRevenue()).isEqualTo(Money.of("1843.20"));
            assertThat(apm.getCurrency()).isEqualTo("USD");
            assertThat(fixture.count("spendstream.records.out", "topic", fixture.topics().apm.name())).isEqualTo(1.0);
            assertThat(fixture.output(fixture.topics().dlq).isEmpty()).isTrue();
        }
    }

    @Test
    void shouldAcceptASummaryWithoutOptionalFields() {
        ObjectNode minimal = TestRows.apm();
        minimal.remove(List.of("operation", "errors", "latencyMs", "conversions", "revenue", "currency"));
        minimal.put("requests", "0");
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            fixture.input(fixture.topics().apmRaw).pipeInput(null, TestRows.bytes(minimal));

            ApmRecord apm = fixture.output(fixture.topics().apm).readValue();
            assertThat(apm.getRequests()).isZero();
            assertThat(apm.getErrors()).isZero();
            assertThat(apm.getOperation()).isNull();
            assertThat(apm.getLatencyP50Ms()).isNull();
            assertThat(apm.getConversionCount()).isNull();
            assertThat(apm.getRevenue()).isNull();
            assertThat(apm.getCurrency()).isNull();
        }
    }

    private record Bad(String reason, String mentions, byte[] value) {
    }

    private static Bad bad(String reason, String mentions, Consumer<ObjectNode> change) {
        ObjectNode summary = TestRows.apm();
        change.accept(summary);
        return new Bad(reason, mentions, TestRows.bytes(summary));
    }

    @Test
    void shouldDeadLetterMalformedSummariesWithTheirReasonWhileGoodOnesFlow() {
        List<Bad> corpus = List.of(
                new Bad(Ingest.INVALID_JSON, "Not valid JSON", TestRows.utf8("{\"service\":")),
                new Bad(Ingest.NOT_AN_OBJECT, "string", TestRows.utf8("\"checkout\"")),
                bad(Ingest.MISSING_FIELD, "service", s -> s.put("service", " ")),
                bad(Ingest.MISSING_FIELD, "windowStart", s -> s.remove("windowStart")),
                bad(Ingest.MISSING_FIELD, "requests", s -> s.putNull("requests")),
                bad(Ingest.INVALID_TIMESTAMP, "windowEnd: 'soon'", s -> s.put("windowEnd", "soon")),
                bad(Ingest.INVALID_PERIOD, "windowEnd", s -> s.put("windowEnd", "2026-11-23T10:00:00Z")),
                bad(Ingest.INVALID_PERIOD, "is not after", s -> s.put("windowEnd", "2026-11-23T09:59:50Z")),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "windowStart", s -> s.put("windowStart", "1970-01-01T00:00:00Z")),
                bad(Ingest.NEGATIVE_COUNT, "requests: -1", s -> s.put("requests", -1)),
                bad(Ingest.NEGATIVE_COUNT, "errors: -2", s -> s.put("errors", -2)),
                bad(Ingest.NEGATIVE_COUNT, "conversions: -3", s -> s.put("conversions", -3)),
                bad(Ingest.ERRORS_EXCEED_REQUESTS, "errors 1201 exceeds requests 1200", s -> s.put("errors", 1201)),
                bad(Ingest.INVALID_NUMBER, "requests: '1.5'", s -> s.put("requests", new BigDecimal("1.5"))),
                bad(Ingest.INVALID_NUMBER, "requests: 'Infinity'", s -> s.put("requests", "Infinity")),
                bad(Ingest.INVALID_DECIMAL, "requests: 'many'", s -> s.put("requests", "many")),
                bad(Ingest.NEGATIVE_LATENCY, "latencyMs.p95", s -> ((ObjectNode) s.get("latencyMs")).put("p95", -1)),
                bad(Ingest.INVALID_FIELD, "latencyMs", s -> s.put("latencyMs", 41)),
                bad(Ingest.MISSING_FIELD, "currency", s -> s.remove("currency")),
                bad(Ingest.UNKNOWN_CURRENCY, "currency 'GBP'", s -> s.put("currency", "GBP")),
                bad(Ingest.ABSURD_AMOUNT, "revenue", s -> s.put("revenue", "2E+12")),
                bad(Ingest.INVALID_FIELD, "operation", s -> s.putArray("operation").add("POST /pay")),
                // A number is not text: "service":12 used to become service "12".
                bad(Ingest.INVALID_FIELD, "service: expected a JSON string, got a JSON number '12'",
                        s -> s.put("service", 12)),
                bad(Ingest.INVALID_FIELD, "windowStart: expected a JSON string, got a JSON number",
                        s -> s.put("windowStart", 1795428000000L)),
                bad(Ingest.INVALID_FIELD, "currency: expected a JSON string, got a JSON boolean",
                        s -> s.put("currency", true)),
                bad(Any.FIELD_TOO_LONG, "service is 3000 characters long", s -> s.put("service", "s".repeat(3000))),
                bad(Any.FIELD_TOO_LONG, "operation is 2049 characters long", s -> s.put("operation", "o".repeat(2049))),
                bad(Any.TIMESTAMP_OUT_OF_RANGE, "windowStart 9999-12-31T23:59:50Z is outside", s -> {
                    s.put("windowStart", "9999-12-31T23:59:50Z");
                    s.put("windowEnd", "9999-12-31T23:59:59Z");
                }));

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().apmRaw);
            for (Bad bad : corpus) {
                in.pipeInput(null, TestRows.bytes(TestRows.apm()));
                in.pipeInput(null, bad.value());
            }

            List<ApmRecord> good = fixture.output(fixture.topics().apm).readValuesToList();
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();

            assertThat(good).hasSize(corpus.size()).allSatisfy(a -> assertThat(a.getService()).isEqualTo("checkout"));
            assertThat(dead).hasSize(corpus.size());
            for (int i = 0; i < corpus.size(); i++) {
                assertThat(dead.get(i).getReason()).as("reason of corpus entry %d", i).isEqualTo(corpus.get(i).reason());
                assertThat(dead.get(i).getMessage()).as("message of corpus entry %d", i)
                        .contains(corpus.get(i).mentions());
                assertThat(IngestAppFocusFilesTest.bytes(dead.get(i))).isEqualTo(corpus.get(i).value());
                assertThat(dead.get(i).getSourceTopic()).isEqualTo(fixture.topics().apmRaw.name());
            }
            assertThat(fixture.count("spendstream.records.dead.lettered", "stage", "ingest")).isEqualTo(corpus.size());
            assertThat(fixture.count("spendstream.records.dead.lettered", "reason", Ingest.NEGATIVE_COUNT))
                    .isEqualTo(3.0);
            assertThat(fixture.count("spendstream.records.out", "topic", fixture.topics().apm.name()))
                    .isEqualTo(corpus.size());
        }
    }
}
