package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * The ingest app's outputs, byte for byte, for a fixed mix of inputs, against the outputs the app wrote for the same
 * inputs before its hot path was reworked for speed (issue 18; {@value #GOLDEN}, written at 0d428e0). A change that
 * makes ingest faster must not change what it writes: every {@code spend.cost} and {@code spend.apm} record (key,
 * value and timestamp bytes) and every dead letter (reason, processor, source coordinates, message and raw bytes;
 * not its {@code failedAt}, the wall clock). Since ingest forwards a cost line's bytes, spend.cost's bytes differ from
 * the earlier ones in the order of map entries alone: a second file pins the earlier bytes of each line decoded
 * and written again ({@link #GOLDEN_REENCODED}).
 *
 * <p>The inputs: the FOCUS 1.0 sample (1,000 rows), the FOCUS 1.2 specification examples and the 1.3 sample
 * (commitments, corrections, split cost allocation); a generated estate like the bench's (metered rows priced in USD
 * and EUR, billed rows in USD and GBP, tags in the row, case-misspelt column names), re-sent as duplicates and
 * restatements (in another currency too); hourly estimates superseded by hourly and daily bills, estimates that
 * cross hours (cut into pieces), restated and then billed, a bill restated; the bad-row corpus
 * of {@link IngestAppBadInputTest}; APM summaries and an OTLP trace with GenAI calls.
 *
 * <p>To write the file anew (only when an output change is intended, and say so in the commit):
 * {@code mvn -pl apps/ingest test -Dtest=IngestGoldenOutputTest -Dingest.golden.write=true}.
 */
class IngestGoldenOutputTest {

    static final String GOLDEN = "src/test/resources/golden/ingest-outputs.txt";
    /**
     * The same outputs with each spend.cost value decoded and written again by the CostRecord serde: the bytes
     * ingest wrote before it forwarded a line's bytes (written at 71a87f9). Forwarded bytes keep a map's entries in
     * the order ingest first wrote them (tags sorted by key), where a decoded and re-encoded line has them in
     * HashMap order; the values are the same, which this file pins.
     */
    static final String GOLDEN_REENCODED = "src/test/resources/golden/ingest-outputs-reencoded.txt";
    /** Read from the module's sources (surefire runs in the module's directory), where the switch writes them. */
    private static final Path SOURCE = Path.of(GOLDEN);
    private static final Path SOURCE_REENCODED = Path.of(GOLDEN_REENCODED);
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldWriteTheSameBytesAsBeforeForEveryOutputRecordAndDeadLetter() throws IOException {
        List<String> actual;
        List<String> reencoded;
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            referenceData(fixture);
            TestInputTopic<byte[], byte[]> usage = fixture.input(fixture.topics().usageRaw);
            TestInputTopic<byte[], byte[]> apm = fixture.input(fixture.topics().apmRaw);
            focusFiles(usage);
            estate(usage);
            estimatesAndBills(usage);
            badRows(usage);
            apm(apm);
            List<TestRecord<byte[], byte[]>> cost = records(fixture, fixture.topics().cost.name());
            List<TestRecord<byte[], byte[]>> apmOut = records(fixture, fixture.topics().apm.name());
            List<String> deadLetters = deadLetters(fixture);
            actual = lines(fixture, cost, apmOut, deadLetters, false);
            reencoded = lines(fixture, cost, apmOut, deadLetters, true);
        }
        if (Boolean.getBoolean("ingest.golden.write")) {
            Files.createDirectories(SOURCE.getParent());
            Files.write(SOURCE, actual, StandardCharsets.UTF_8);
            Files.write(SOURCE_REENCODED, reencoded, StandardCharsets.UTF_8);
        }
        assertSameLines(actual, SOURCE);
        assertSameLines(reencoded, SOURCE_REENCODED);
    }

    private static void assertSameLines(List<String> actual, Path golden) throws IOException {
        List<String> expected = Files.readAllLines(golden, StandardCharsets.UTF_8);
        assertThat(actual).as("%s: outputs and dead letters (%d lines)", golden, expected.size())
                .hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("%s: output line %d", golden, i + 1).isEqualTo(expected.get(i));
        }
    }

    private static void referenceData(TopologyFixture fixture) {
        IngestAppBadInputTest.referenceData(fixture);
        TestInputTopic<String, byte[]> prices = fixture.input(fixture.topics().prices);
        String[] units = {"Hours", "Requests", "GB-Hours", "GB"};
        for (int sku = 0; sku < 40; sku++) {
            prices.pipeInput(skuPriceId(sku), TestRows.utf8("{\"unitPrice\":\""
                    + BigDecimal.valueOf(100 + sku * 37L, 5).toPlainString() + "\",\"currency\":\""
                    + (sku % 5 == 0 ? "EUR" : "USD") + "\",\"pricingUnit\":\"" + units[sku % units.length] + "\"}"));
        }
        prices.pipeInput(IngestAppEstimatesTest.PRICE_ID, TestRows.utf8("{\"unitPrice\":\""
                + IngestAppEstimatesTest.UNIT_PRICE + "\",\"currency\":\"USD\",\"pricingUnit\":\"Requests\"}"));
        prices.pipeInput("openai/gpt-4o", TestRows.utf8("{\"currency\":\"USD\",\"inputPerMillionTokens\":\"2.50\","
                + "\"outputPerMillionTokens\":\"10.00\",\"cachedInputPerMillionTokens\":\"1.25\"}"));
        prices.pipeInput("mistral_ai/mistral-large", TestRows.utf8("{\"currency\":\"eur\","
                + "\"inputPerMillionTokens\":2,\"outputPerMillionTokens\":6,\"perRequest\":\"0.0005\"}"));
        TestInputTopic<String, byte[]> rates = fixture.input(fixture.topics().fxRates);
        rates.pipeInput("EUR", TestRows.utf8("{\"rate\":\"1.0842\"}"));
        rates.pipeInput("GBP", TestRows.utf8("{\"rate\":\"1.2675\"}"));
    }

    private static String skuPriceId(int sku) {
        return String.format("sku-price-%02d", sku);
    }

    private static void focusFiles(TestInputTopic<byte[], byte[]> usage) {
        List<FocusCsv> files = List.of(FocusCsv.read(FocusData.file("focus_1.0_sample_1000.csv")),
                FocusCsv.read(FocusData.file("focus_1.2_spec_saas_spend_agreements_b2.csv")),
                FocusCsv.read(FocusData.file("focus_1.2_spec_commitment_discount_usage_scenario_1.csv")),
                FocusCsv.read(FocusData.file("focus_1.2_spec_one_hundred_percent_utilization_with_commitment_"
                        + "discount_flexibility_with_2_resources.csv")),
                IngestAppFocusSemanticsTest.focus13());
        for (FocusCsv csv : files) {
            for (FocusCsv.Row row : csv.rows()) {
                ObjectNode json = csv.toJson(row);
                if (!json.has("BillingCurrency")) {
                    json.put("BillingCurrency", "USD");
                }
                usage.pipeInput(null, FocusCsv.bytes(json));
            }
        }
    }

    /**
     * Rows like the bench's estate: 400 resources over three minutes, every tenth billed (every third of those in
     * GBP), the rest metered from 40 SKUs (every fifth priced in EUR); half with their tags in the row; some with
     * column names in another case. Then a fifth of the billed rows re-sent unchanged (duplicates), a fifth with a new
     * cost (restatements) and a few in another currency.
     */
    private static void estate(TestInputTopic<byte[], byte[]> usage) {
        Random random = new Random(42);
        Instant start = TopologyFixture.START.minus(Duration.ofHours(2));
        List<ObjectNode> billed = new ArrayList<>();
        for (int minute = 0; minute < 3; minute++) {
            Instant from = start.plus(Duration.ofMinutes(minute));
            for (int r = 0; r < 400; r++) {
                ObjectNode row = estateRow(r, minute, from, random);
                if (r % 10 == 0) {
                    billed.add(row.deepCopy());
                }
                usage.pipeInput(TestRows.utf8("res-" + r), FocusCsv.bytes(row));
            }
        }
        for (int i = 0; i < billed.size(); i++) {
            ObjectNode again = billed.get(i);
            if (i % 5 == 1) {
                again.put("EffectiveCost", new BigDecimal(again.get("EffectiveCost").asText())
                        .add(new BigDecimal("0.013")).toPlainString());
            } else if (i % 17 == 3) {
                again.put("BillingCurrency", "EUR");
            } else if (i % 5 != 0) {
                continue;
            }
            usage.pipeInput(null, FocusCsv.bytes(again));
        }
    }

    private static ObjectNode estateRow(int r, int minute, Instant from, Random random) {
        ObjectNode row = TestRows.focus();
        row.remove(List.of("ChargeDescription", "ChargeClass"));
        row.put("ChargePeriodStart", from.toString());
        row.put("ChargePeriodEnd", from.plus(Duration.ofMinutes(1)).toString());
        row.put("ResourceId", String.format("res-%06d", r));
        row.put("ResourceName", String.format("res-%06d", r));
        row.put("x_LineItemId", "bench-" + r + "-" + minute);
        int sku = r % 40;
        row.put("SkuId", "sku-" + sku);
        row.put("SkuPriceId", skuPriceId(sku));
        row.put("PricingQuantity", BigDecimal.valueOf(50 + random.nextInt(950), 2).toPlainString());
        row.put("PricingUnit", new String[] {"Hours", "Requests", "GB-Hours", "GB"}[sku % 4]);
        if (r % 10 == 0) {
            String cost = BigDecimal.valueOf(1 + random.nextInt(5000), 4).toPlainString();
            row.put("EffectiveCost", cost).put("BilledCost", cost).put("ListCost", cost)
                    .put("BillingCurrency", r % 30 == 0 ? "GBP" : "USD");
        } else {
            row.remove(List.of("EffectiveCost", "BilledCost", "ListCost"));
        }
        if (r % 2 == 0) {
            row.putObject("Tags").put("service", String.format("svc-%04d", r % 50)).put("team", "team-" + r % 7)
                    .putNull("keyOnly").put("count", r);
        } else {
            row.remove("Tags");
        }
        if (r % 13 == 5) {
            // Hand-made exports misspell case: the row is read the same.
            row.set("SkuPriceid", row.remove("SkuPriceId"));
            row.set("chargeperiodend", row.remove("ChargePeriodEnd"));
        }
        if (r % 11 == 4) {
            row.put("x_Project", "project-" + r % 3).put("x_Weight", new BigDecimal("0.50"));
        }
        return row;
    }

    /** Hourly estimates of six resources over a day, then hourly bills for three and a daily bill for two. */
    private static void estimatesAndBills(TestInputTopic<byte[], byte[]> usage) {
        for (int r = 0; r < 6; r++) {
            for (int h = 0; h < 24; h++) {
                usage.pipeInput(null, IngestAppEstimatesTest.metered("m-" + r + "-" + h,
                        IngestAppEstimatesTest.resource(r), 1_000_000L + r * 7_919L + h * 131L,
                        IngestAppEstimatesTest.hour(h), IngestAppEstimatesTest.hour(h + 1)));
            }
        }
        for (int r = 0; r < 3; r++) {
            for (int h = 0; h < 24; h += 3) {
                usage.pipeInput(null, IngestAppEstimatesTest.billed("b-" + r + "-" + h,
                        IngestAppEstimatesTest.resource(r), "0.4" + r + h, IngestAppEstimatesTest.hour(h),
                        IngestAppEstimatesTest.hour(h + 1)));
            }
        }
        for (int r = 3; r < 5; r++) {
            usage.pipeInput(null, IngestAppEstimatesTest.billed("d-" + r, IngestAppEstimatesTest.resource(r),
                    "9.87" + r, IngestAppEstimatesTest.hour(0), IngestAppEstimatesTest.hour(24)));
        }
        crossingHours(usage);
    }

    /**
     * Estimates that cross hour boundaries (cut into hour pieces), restated, then billed, and a bill restated after
     * its hour was billed: every row changed on its way to spend.cost in another way than the common one.
     */
    private static void crossingHours(TestInputTopic<byte[], byte[]> usage) {
        String resource = IngestAppEstimatesTest.resource(6);
        Instant start = IngestAppEstimatesTest.hour(2).plus(Duration.ofMinutes(30));
        Instant end = IngestAppEstimatesTest.hour(4).plus(Duration.ofMinutes(15));
        usage.pipeInput(null, IngestAppEstimatesTest.metered("x-6", resource, 3_333_333L, start, end));
        usage.pipeInput(null, IngestAppEstimatesTest.metered("x-6", resource, 3_333_334L, start, end));
        usage.pipeInput(null, IngestAppEstimatesTest.metered("x-6", resource, 3_333_334L, start, end));
        usage.pipeInput(null, IngestAppEstimatesTest.billed("xb-6", resource, "1.000000000001",
                IngestAppEstimatesTest.hour(3), IngestAppEstimatesTest.hour(4)));
        usage.pipeInput(null, IngestAppEstimatesTest.billed("xb-6", resource, "1.25",
                IngestAppEstimatesTest.hour(3), IngestAppEstimatesTest.hour(4)));
        usage.pipeInput(null, IngestAppEstimatesTest.metered("x-6-late", resource, 1_000L,
                IngestAppEstimatesTest.hour(3).plus(Duration.ofMinutes(10)), IngestAppEstimatesTest.hour(5)));
    }

    /** The bad-row corpus, each bad row after a good one (the corpus's own test does the same). */
    private static void badRows(TestInputTopic<byte[], byte[]> usage) {
        int n = 0;
        for (IngestAppBadInputTest.Bad bad : IngestAppBadInputTest.corpus()) {
            ObjectNode good = TestRows.focus();
            good.put("x_LineItemId", "golden-good-" + n++);
            usage.pipeInput(TestRows.utf8("k" + n), TestRows.bytes(good));
            usage.pipeInput(TestRows.utf8("k" + n), bad.value());
        }
    }

    private static void apm(TestInputTopic<byte[], byte[]> apm) {
        for (int s = 0; s < 20; s++) {
            ObjectNode summary = TestRows.apm();
            summary.put("service", "svc-" + s);
            summary.put("requests", 1000 + s);
            if (s % 4 == 0) {
                summary.remove(List.of("conversions", "revenue", "currency"));
            }
            apm.pipeInput(null, TestRows.bytes(summary));
        }
        ObjectNode negative = TestRows.apm();
        negative.put("errors", -1);
        apm.pipeInput(null, TestRows.bytes(negative));
        apm.pipeInput(null, TestRows.utf8("{\"service\": "));

        Instant t0 = TopologyFixture.START.minusSeconds(50);
        Otlp otlp = new Otlp();
        ArrayNode assistant = otlp.resource("assistant");
        Otlp.genAiSpan(assistant, "00000000000000a1", t0, Duration.ofMillis(1500), "gen_ai.operation.name", "chat",
                "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o",
                "gen_ai.usage.input_tokens", 1200L, "gen_ai.usage.output_tokens", 300L,
                "gen_ai.usage.cache_read.input_tokens", 200L);
        Otlp.genAiSpan(otlp.resource("search"), "00000000000000b1", t0.plusSeconds(6), Duration.ofMillis(1500),
                "gen_ai.operation.name", "chat", "gen_ai.provider.name", "mistral_ai",
                "gen_ai.request.model", "mistral-large", "gen_ai.response.model", "mistral-large",
                "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 100L);
        Otlp.genAiSpan(assistant, "00000000000000a9", t0.plusSeconds(8), Duration.ofMillis(1500),
                "gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model",
                "no-such-model", "gen_ai.usage.input_tokens", 10L, "gen_ai.usage.output_tokens", 1L);
        apm.pipeInput(null, otlp.bytes());
    }

    private static List<TestRecord<byte[], byte[]>> records(TopologyFixture fixture, String topic) {
        TestOutputTopic<byte[], byte[]> out = fixture.driver().createOutputTopic(topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        return out.readRecordsToList();
    }

    /**
     * One line per output record: topic, timestamp, and the SHA-256 of key (64 bits of it) and value (128 bits),
     * so the file stays small; dead letters with their fields, the message in full. {@code reencoded}: each
     * spend.cost value decoded and written again first ({@link #GOLDEN_REENCODED}).
     */
    private static List<String> lines(TopologyFixture fixture, List<TestRecord<byte[], byte[]>> cost,
            List<TestRecord<byte[], byte[]>> apm, List<String> deadLetters, boolean reencoded) {
        String costTopic = fixture.topics().cost.name();
        ConfluentAvroSerde<CostRecord> costSerde = fixture.topics().avroValues(fixture.topics().cost);
        List<String> lines = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : cost) {
            byte[] value = reencoded ? costSerde.serializer().serialize(costTopic,
                    costSerde.deserializer().deserialize(costTopic, record.value())) : record.value();
            lines.add(line(costTopic, record, value));
        }
        for (TestRecord<byte[], byte[]> record : apm) {
            lines.add(line(fixture.topics().apm.name(), record, record.value()));
        }
        lines.addAll(deadLetters);
        return lines;
    }

    private static String line(String topic, TestRecord<byte[], byte[]> record, byte[] value) {
        return topic + " " + record.timestamp() + " " + sha256(record.key()).substring(0, 16) + " "
                + sha256(value).substring(0, 32);
    }

    private static List<String> deadLetters(TopologyFixture fixture) {
        List<String> lines = new ArrayList<>();
        for (DeadLetter dead : fixture.output(fixture.topics().dlq).readValuesToList()) {
            lines.add("dlq " + dead.getReason() + " " + dead.getProcessor() + " " + dead.getPhase() + " "
                    + dead.getSourceTopic() + "/" + dead.getSourcePartition() + "@" + dead.getSourceOffset() + " "
                    + dead.getSourceTimestamp() + " " + dead.getErrorClass() + " "
                    + sha256(IngestAppFocusFilesTest.bytes(dead)).substring(0, 32) + " "
                    + dead.getMessage().replace('\n', ' '));
        }
        return lines;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
