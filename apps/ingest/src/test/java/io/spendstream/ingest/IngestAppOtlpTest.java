package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Any;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/** OTLP JSON traces on spend.apm.raw: server spans become ApmRecords on spend.apm, malformed ones dead letters. */
class IngestAppOtlpTest {

    private static final Instant T0 = TopologyFixture.START.minusSeconds(10);
    private static final int SERVER = 2;
    private static final int CLIENT = 3;

    @Test
    void shouldAggregateServerSpansPerServiceAndOperation() {
        Otlp otlp = new Otlp();
        ArrayNode checkout = otlp.resource("checkout");
        Otlp.span(checkout, SERVER, "POST /pay", "/pay", T0, Duration.ofMillis(40), false);
        Otlp.span(checkout, SERVER, "POST /pay", "/pay", T0.plusMillis(500), Duration.ofMillis(120), true);
        Otlp.span(checkout, SERVER, "POST /pay", "/pay", T0.plusSeconds(2), Duration.ofNanos(310_500_000), false);
        Otlp.span(checkout, CLIENT, "POST", null, T0.plusMillis(510), Duration.ofMillis(90), true);
        Otlp.span(checkout, SERVER, "GET /cart", null, T0.plusSeconds(3), Duration.ofMillis(8), false)
                .putObject("status").put("code", "STATUS_CODE_ERROR");
        ArrayNode search = otlp.resource("search");
        Otlp.span(search, SERVER, "GET", "/search", T0.plusNanos(1_500_000), Duration.ofMillis(20), false)
                .put("kind", "SPAN_KIND_SERVER");

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());

            List<TestRecord<String, ApmRecord>> out = fixture.output(fixture.topics().apm).readRecordsToList();
            assertThat(out).extracting(TestRecord::key).containsExactly("checkout", "checkout", "search");
            ApmRecord pay = out.get(0).value();
            assertThat(pay.getOperation()).isEqualTo("/pay");
            assertThat(pay.getRequests()).isEqualTo(3L);
            assertThat(pay.getErrors()).isEqualTo(1L);
            assertThat(pay.getLatencyP50Ms()).isEqualTo(120.0);
            assertThat(pay.getLatencyP95Ms()).isEqualTo(310.5);
            assertThat(pay.getLatencyP99Ms()).isEqualTo(310.5);
            assertThat(pay.getWindowStart()).isEqualTo(T0);
            assertThat(pay.getWindowEnd()).as("latest end, rounded up to the millisecond")
                    .isEqualTo(T0.plusMillis(2311));
            assertThat(out.get(0).timestamp()).isEqualTo(T0.toEpochMilli());
            assertThat(pay.getConversionCount()).isNull();
            assertThat(pay.getRevenue()).isNull();

            ApmRecord cart = out.get(1).value();
            assertThat(cart.getOperation()).as("no http.route: the span name").isEqualTo("GET /cart");
            assertThat(cart.getErrors()).isEqualTo(1L);
            ApmRecord searches = out.get(2).value();
            assertThat(searches.getWindowStart()).as("floored to the millisecond").isEqualTo(T0.plusMillis(1));
            assertThat(searches.getRequests()).isEqualTo(1L);
            assertThat(fixture.count("spendstream.records.out", "topic", fixture.topics().apm.name())).isEqualTo(3.0);
        }
    }

    @Test
    void shouldComputeExactNearestRankPercentiles() {
        Otlp otlp = new Otlp();
        ArrayNode spans = otlp.resource("checkout");
        // Durations 1..200 ms, written out of order.
        for (int i = 200; i >= 1; i--) {
            Otlp.span(spans, SERVER, "GET /", null, T0, Duration.ofMillis(i), false);
        }
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());
            ApmRecord apm = fixture.output(fixture.topics().apm).readValue();
            assertThat(apm.getRequests()).isEqualTo(200L);
            assertThat(apm.getLatencyP50Ms()).isEqualTo(100.0);
            assertThat(apm.getLatencyP95Ms()).isEqualTo(190.0);
            assertThat(apm.getLatencyP99Ms()).isEqualTo(198.0);
            assertThat(apm.getWindowEnd()).isEqualTo(T0.plusMillis(200));
        }
    }

    @Test
    void shouldCountTheSameRequestsAndErrorsAsAnApmSummaryOfTheSameTraffic() {
        int requests = 1200;
        int errors = 3;
        Otlp otlp = new Otlp();
        ArrayNode spans = otlp.resource("checkout");
        for (int i = 0; i < requests; i++) {
            // 1200 requests spread over 10 seconds; every 400th fails.
            Otlp.span(spans, SERVER, "POST /pay", null, T0.plusMillis(i * 8L), Duration.ofMillis(40 + i % 7),
                    i % 400 == 399);
        }
        ObjectNode summary = TestRows.apm();
        summary.put("windowStart", T0.toString());
        summary.put("windowEnd", T0.plusSeconds(10).toString());
        summary.put("requests", requests);
        summary.put("errors", errors);

        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().apmRaw);
            in.pipeInput(null, otlp.bytes());
            in.pipeInput(null, TestRows.bytes(summary));

            List<ApmRecord> out = fixture.output(fixture.topics().apm).readValuesToList();
            assertThat(out).hasSize(2);
            ApmRecord fromSpans = out.get(0);
            ApmRecord fromSummary = out.get(1);
            assertThat(fromSpans.getService()).isEqualTo(fromSummary.getService());
            assertThat(fromSpans.getOperation()).isEqualTo(fromSummary.getOperation());
            assertThat(fromSpans.getRequests()).isEqualTo(fromSummary.getRequests()).isEqualTo(requests);
            assertThat(fromSpans.getErrors()).isEqualTo(fromSummary.getErrors()).isEqualTo(errors);
            assertThat(fromSpans.getWindowStart()).isEqualTo(fromSummary.getWindowStart());
            assertThat(fromSpans.getWindowEnd()).isBeforeOrEqualTo(fromSummary.getWindowEnd());
        }
    }

    @Test
    void shouldWriteNothingForAMessageWithoutServerSpans() {
        Otlp otlp = new Otlp();
        Otlp.span(otlp.resource(null), CLIENT, "GET", null, T0, Duration.ofMillis(5), false);
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            fixture.input(fixture.topics().apmRaw).pipeInput(null, otlp.bytes());
            assertThat(fixture.output(fixture.topics().apm).isEmpty()).isTrue();
            assertThat(fixture.output(fixture.topics().dlq).isEmpty()).as("client spans need no service.name").isTrue();
        }
    }

    private record Bad(String reason, String mentions, byte[] value) {
    }

    /** A valid one-span request, changed by {@code change} (which gets the request and its only span). */
    private static Bad bad(String reason, String mentions, java.util.function.BiConsumer<ObjectNode, ObjectNode> change) {
        Otlp otlp = new Otlp();
        ObjectNode span = Otlp.span(otlp.resource("checkout"), SERVER, "POST /pay", "/pay", T0, Duration.ofMillis(40),
                false);
        change.accept(otlp.request, span);
        return new Bad(reason, mentions, otlp.bytes());
    }

    private static Bad bad(String reason, String mentions, Consumer<ObjectNode> spanChange) {
        return bad(reason, mentions, (request, span) -> spanChange.accept(span));
    }

    static List<Bad> corpus() {
        return List.of(
                bad(Ingest.INVALID_FIELD, "resourceSpans: expected a JSON array",
                        (request, span) -> request.putObject("resourceSpans")),
                bad(Ingest.INVALID_FIELD, "resourceSpans[1]: expected a JSON object",
                        (request, span) -> ((ArrayNode) request.get("resourceSpans")).add("checkout")),
                bad(Ingest.INVALID_FIELD, "resourceSpans[0].scopeSpans: expected a JSON array",
                        (request, span) -> ((ObjectNode) request.get("resourceSpans").get(0)).put("scopeSpans", 1)),
                bad(Ingest.MISSING_FIELD, "no service.name attribute", (request, span) -> ((ArrayNode) request
                        .get("resourceSpans").get(0).get("resource").get("attributes")).remove(0)),
                bad(Ingest.INVALID_FIELD, "expected a stringValue", (request, span) -> ((ObjectNode) request
                        .get("resourceSpans").get(0).get("resource").get("attributes").get(0).get("value"))
                        .put("stringValue", 42)),
                bad(Ingest.INVALID_PERIOD, "negative duration",
                        s -> s.put("endTimeUnixNano", Long.toString(Otlp.nanos(T0) - 1))),
                bad(Ingest.INVALID_TIMESTAMP, "startTimeUnixNano: '\"soon\"'", s -> s.put("startTimeUnixNano", "soon")),
                bad(Ingest.INVALID_TIMESTAMP, "endTimeUnixNano", s -> s.put("endTimeUnixNano", -5)),
                bad(Ingest.MISSING_FIELD, "endTimeUnixNano is missing", s -> s.remove("endTimeUnixNano")),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "beyond the year 2262",
                        s -> s.put("endTimeUnixNano", "99999999999999999999")),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "windowStart 1990-01-01", s -> {
                    s.put("startTimeUnixNano", Long.toString(Otlp.nanos(Instant.parse("1990-01-01T00:00:00Z"))));
                }),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "more than 60 minutes", s -> {
                    Instant later = TopologyFixture.START.plus(Duration.ofHours(2));
                    s.put("startTimeUnixNano", Long.toString(Otlp.nanos(later)));
                    s.put("endTimeUnixNano", Long.toString(Otlp.nanos(later) + 1));
                }),
                bad(Ingest.INVALID_FIELD, "kind: '\"SPAN_KIND_WEB\"'", s -> s.put("kind", "SPAN_KIND_WEB")),
                bad(Ingest.INVALID_FIELD, "status.code: '7'", s -> s.putObject("status").put("code", 7)),
                bad(Ingest.INVALID_FIELD, "status: expected a JSON object", s -> s.put("status", "ERROR")),
                bad(Ingest.INVALID_FIELD, "name: expected a JSON string",
                        s -> {
                            s.remove("attributes");
                            s.putObject("name").put("en", "POST /pay");
                        }),
                bad(Ingest.INVALID_FIELD, "name: expected a JSON string, got a JSON number",
                        s -> {
                            s.remove("attributes");
                            s.put("name", 12);
                        }),
                bad(Any.FIELD_TOO_LONG, "service.name is 3000 characters long", (request, span) -> ((ObjectNode)
                        request.get("resourceSpans").get(0).get("resource").get("attributes").get(0).get("value"))
                        .put("stringValue", "s".repeat(3000))));
    }

    @Test
    void shouldDeadLetterMalformedTraceRequestsWhileGoodOnesFlow() {
        List<Bad> corpus = corpus();
        Otlp good = new Otlp();
        Otlp.span(good.resource("search"), SERVER, "GET /q", null, T0, Duration.ofMillis(3), false);
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().apmRaw);
            for (Bad bad : corpus) {
                in.pipeInput(null, good.bytes());
                in.pipeInput(null, bad.value());
            }

            List<ApmRecord> apm = fixture.output(fixture.topics().apm).readValuesToList();
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();
            assertThat(apm).hasSize(corpus.size()).allSatisfy(a -> assertThat(a.getService()).isEqualTo("search"));
            assertThat(dead).hasSize(corpus.size());
            for (int i = 0; i < corpus.size(); i++) {
                assertThat(dead.get(i).getReason()).as("reason of OTLP corpus entry %d", i)
                        .isEqualTo(corpus.get(i).reason());
                assertThat(dead.get(i).getMessage()).as("message of OTLP corpus entry %d", i)
                        .contains(corpus.get(i).mentions());
                assertThat(IngestAppFocusFilesTest.bytes(dead.get(i))).isEqualTo(corpus.get(i).value());
                assertThat(dead.get(i).getSourceOffset()).isEqualTo(2L * i + 1);
            }
            assertThat(fixture.count("spendstream.records.dead.lettered", "stage", "ingest")).isEqualTo(corpus.size());
        }
    }
}
