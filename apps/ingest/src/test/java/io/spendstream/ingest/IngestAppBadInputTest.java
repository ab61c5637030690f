package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.DeadLetterReasons.Any;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/** A corpus of malformed FOCUS rows: each lands on spend.dlq with its reason and exact bytes; good rows flow on. */
class IngestAppBadInputTest {

    record Bad(String reason, String mentions, byte[] value) {
    }

    private static Bad bad(String reason, String mentions, Consumer<ObjectNode> change) {
        ObjectNode row = TestRows.focus();
        change.accept(row);
        return new Bad(reason, mentions, TestRows.bytes(row));
    }

    private static Bad bad(String reason, String mentions, String raw) {
        return new Bad(reason, mentions, TestRows.utf8(raw));
    }

    static List<Bad> corpus() {
        String valid = new String(TestRows.bytes(TestRows.focus()), java.nio.charset.StandardCharsets.UTF_8);
        return List.of(
                bad(Ingest.INVALID_JSON, "Not valid JSON", valid.substring(0, valid.length() / 2)),
                bad(Ingest.INVALID_JSON, "Duplicate field 'EffectiveCost'",
                        "{\"EffectiveCost\":\"1\",\"EffectiveCost\":\"1000\"}"),
                bad(Ingest.INVALID_JSON, "Not valid JSON", valid + " trailing"),
                bad(Ingest.INVALID_JSON, "empty", ""),
                bad(Ingest.NOT_AN_OBJECT, "array", "[" + valid + "]"),
                bad(Ingest.RECORD_TOO_LARGE, "limit is 1048576",
                        r -> r.put("x_Padding", "p".repeat(JsonObjects.MAX_RECORD_BYTES))),
                bad(Ingest.MISSING_FIELD, "ChargePeriodStart", r -> r.remove("ChargePeriodStart")),
                bad(Ingest.MISSING_FIELD, "BillingCurrency", r -> r.put("BillingCurrency", "NULL")),
                bad(Ingest.MISSING_COST, "EffectiveCost", r -> {
                    r.putNull("EffectiveCost");
                    r.put("BilledCost", "");
                    r.remove("SkuPriceId");
                }),
                bad(Ingest.INVALID_DECIMAL, "EffectiveCost: '12,50'", r -> r.put("EffectiveCost", "12,50")),
                bad(Ingest.INVALID_DECIMAL, "BilledCost", r -> r.put("BilledCost", true)),
                bad(Ingest.INVALID_NUMBER, "EffectiveCost: 'NaN'", r -> r.put("EffectiveCost", "NaN")),
                bad(Ingest.INVALID_NUMBER, "EffectiveCost: -Infinity is not a finite number", valid.replace("\"EffectiveCost\":\"0.00000080000\"",
                        "\"EffectiveCost\":-Infinity")),
                bad(Ingest.INVALID_TIMESTAMP, "ChargePeriodStart: '2026-02-30 10:00:00'",
                        r -> r.put("ChargePeriodStart", "2026-02-30 10:00:00")),
                bad(Ingest.INVALID_TIMESTAMP, "ChargePeriodEnd: 'tomorrow'", r -> r.put("ChargePeriodEnd", "tomorrow")),
                bad(Ingest.INVALID_PERIOD, "ChargePeriodEnd", r -> r.put("ChargePeriodEnd", "2026-11-23 08:00:00")),
                bad(Ingest.INVALID_PERIOD, "is not after", r -> r.put("ChargePeriodEnd", "2026-11-23T09:00:00Z")),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "ChargePeriodStart 1999-12-31T23:00:00Z",
                        r -> r.put("ChargePeriodStart", "1999-12-31 23:00:00")),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "ChargePeriodStart 2026-11-23T12:00:00Z is more than 60 minutes",
                        r -> {
                            r.put("ChargePeriodStart", "2026-11-23T12:00:00Z");
                            r.put("ChargePeriodEnd", "2026-11-23T13:00:00Z");
                        }),
                bad(Ingest.TIMESTAMP_OUT_OF_RANGE, "ChargePeriodEnd 9999-12-31",
                        r -> r.put("ChargePeriodEnd", "9999-12-31T00:00:00Z")),
                // A day is spread over its windows: parts up to 23:59 would be refused by the broker (measured: it
                // stopped attribution). A longer period is booked whole at its start (the purchase case below).
                bad(Any.TIMESTAMP_OUT_OF_RANGE, "a charge period of at most PT24H is spread", r -> {
                    r.put("ChargePeriodStart", "2026-11-23T00:00:00Z");
                    r.put("ChargePeriodEnd", "2026-11-24T00:00:00Z");
                }),
                bad(Ingest.ABSURD_AMOUNT, "EffectiveCost: '1000000000000.01'",
                        r -> r.put("EffectiveCost", new java.math.BigDecimal("1000000000000.01"))),
                bad(Ingest.ABSURD_AMOUNT, "ListCost", r -> r.put("ListCost", "-5E+20")),
                bad(Ingest.NEGATIVE_QUANTITY, "PricingQuantity '-2'", r -> r.put("PricingQuantity", "-2")),
                bad(Ingest.UNKNOWN_CURRENCY, "BillingCurrency 'EUR'", r -> r.put("BillingCurrency", "eur")),
                bad(Ingest.INVALID_FIELD, "Tags: 'application=checkout'", r -> r.put("Tags", "application=checkout")),
                bad(Ingest.INVALID_FIELD, "ServiceName", r -> r.putObject("ServiceName").put("name", "SQS")),
                bad(Ingest.INVALID_FIELD, "ServiceName: expected a JSON string, got a JSON boolean",
                        r -> r.put("ServiceName", true)),
                bad(Any.FIELD_TOO_LONG, "ResourceId is 2049 characters long",
                        r -> r.put("ResourceId", "r".repeat(2049))),
                bad(Any.FIELD_TOO_LONG, "Tags.'team' is 900000 characters long",
                        r -> r.putObject("Tags").put("team", "t".repeat(900_000))),
                bad(Ingest.INVALID_DECIMAL, "outside any plausible range",
                        r -> r.put("PricingQuantity", "1e999999999")),
                bad(Ingest.UNKNOWN_PRICE, "SkuPriceId 'SKU-NOBODY-KNOWS' has no price", metered("SKU-NOBODY-KNOWS")),
                bad(Ingest.INVALID_PRICE, "spend.prices entry 'SKU-BAD-JSON' is not usable (invalid-json)",
                        metered("SKU-BAD-JSON")),
                bad(Ingest.INVALID_PRICE, "unitPrice -0.1 is negative", metered("SKU-NEGATIVE")),
                bad(Ingest.INVALID_PRICE, "currency is missing", metered("SKU-NO-CURRENCY")),
                bad(Ingest.PRICING_UNIT_MISMATCH, "PricingUnit 'Requests' differs from the pricingUnit 'GB-Hours'",
                        metered("SKU-GB-HOURS")),
                bad(Ingest.UNKNOWN_CURRENCY, "currency 'AUD' of SkuPriceId 'SKU-IN-AUD'", metered("SKU-IN-AUD")),
                bad(Ingest.ABSURD_AMOUNT, "PricingQuantity x unitPrice", r -> {
                    metered("SKU-EXPENSIVE").accept(r);
                    r.put("PricingQuantity", "2000000");
                }),
                bad(Ingest.INVALID_FX_RATE, "spend.fx-rates entry 'GBP' is not usable (invalid-json)",
                        r -> r.put("BillingCurrency", "GBP")),
                bad(Ingest.INVALID_FX_RATE, "rate 0 is not positive", r -> r.put("BillingCurrency", "CHF")),
                bad(Ingest.INVALID_FX_RATE, "rate: 'NaN' is not a finite number",
                        r -> r.put("BillingCurrency", "JPY")),
                bad(Ingest.INVALID_FX_RATE, "asOf: 'yesterday'", r -> r.put("BillingCurrency", "SEK")),
                bad(Ingest.INVALID_CHARGE_CATEGORY, "ChargeCategory 'Refund' is not one of",
                        r -> r.put("ChargeCategory", "Refund")),
                bad(Ingest.INVALID_CHARGE_CLASS, "ChargeClass 'Restated' is neither null nor Correction",
                        r -> r.put("ChargeClass", "Restated")),
                bad(Ingest.MISSING_EFFECTIVE_COST, "EffectiveCost is missing on a Purchase row", r -> {
                    r.put("ChargeCategory", "Purchase");
                    r.remove("EffectiveCost");
                }),
                bad(Ingest.MISSING_EFFECTIVE_COST, "row of CommitmentDiscountId 'ri-0042'", r -> {
                    r.put("CommitmentDiscountId", "ri-0042");
                    r.putNull("EffectiveCost");
                }),
                bad(Ingest.UNAMORTISED_PURCHASE, "EffectiveCost 1200 on the Purchase of CommitmentDiscountId", r -> {
                    r.put("ChargeCategory", "Purchase");
                    r.put("CommitmentDiscountId", "ri-0042");
                    r.put("EffectiveCost", "1200.00");
                    r.put("BilledCost", "1200.00");
                }),
                bad(Ingest.POSITIVE_CREDIT, "EffectiveCost 0.0000008 on a Credit row is positive",
                        r -> r.put("ChargeCategory", "Credit")),
                bad(Ingest.INVALID_FIELD, "AllocatedTags: expected a JSON object",
                        r -> r.putArray("AllocatedTags").add("team=payments")));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A metered row: no cost columns, priced from spend.prices under {@code skuPriceId}. */
    private static Consumer<ObjectNode> metered(String skuPriceId) {
        return r -> {
            r.remove(List.of("EffectiveCost", "BilledCost", "ListCost"));
            r.put("SkuPriceId", skuPriceId);
        };
    }

    /** Reference data the corpus refers to: malformed or unusable prices and rates, one good price. */
    static void referenceData(TopologyFixture fixture) {
        TestInputTopic<String, byte[]> prices = fixture.input(fixture.topics().prices);
        prices.pipeInput("SKU-BAD-JSON", TestRows.utf8("{\"unitPrice\": 0.0000004, \"currency\": "));
        prices.pipeInput("SKU-NEGATIVE", TestRows.utf8("{\"unitPrice\":\"-0.1\",\"currency\":\"USD\"}"));
        prices.pipeInput("SKU-NO-CURRENCY", TestRows.utf8("{\"unitPrice\":\"0.1\"}"));
        prices.pipeInput("SKU-GB-HOURS",
                TestRows.utf8("{\"unitPrice\":\"0.1\",\"currency\":\"USD\",\"pricingUnit\":\"GB-Hours\"}"));
        prices.pipeInput("SKU-IN-AUD", TestRows.utf8("{\"unitPrice\":\"0.1\",\"currency\":\"AUD\"}"));
        prices.pipeInput("SKU-EXPENSIVE", TestRows.utf8("{\"unitPrice\":\"1000000\",\"currency\":\"USD\"}"));
        TestInputTopic<String, byte[]> rates = fixture.input(fixture.topics().fxRates);
        rates.pipeInput("GBP", TestRows.utf8("rate=1.27"));
        rates.pipeInput("CHF", TestRows.utf8("{\"rate\":\"0\"}"));
        rates.pipeInput("JPY", TestRows.utf8("{\"rate\":\"NaN\"}"));
        rates.pipeInput("SEK", TestRows.utf8("{\"rate\":\"0.094\",\"asOf\":\"yesterday\"}"));
    }

    @Test
    void shouldDeadLetterEveryMalformedRowWithItsReasonAndRawBytesWhileGoodRowsFlow() {
        List<Bad> corpus = corpus();
        try (TopologyFixture fixture = TopologyFixture.of(new IngestApp())) {
            referenceData(fixture);
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            List<String> goodIds = new ArrayList<>();
            int n = 0;
            for (Bad bad : corpus) {
                ObjectNode good = TestRows.focus();
                good.put("x_LineItemId", "good-" + n++);
                goodIds.add("good-" + (n - 1));
                in.pipeInput(TestRows.utf8("k" + n), TestRows.bytes(good));
                in.pipeInput(TestRows.utf8("k" + n), bad.value());
            }

            List<CostRecord> cost = fixture.output(fixture.topics().cost).readValuesToList();
            List<DeadLetter> dead = fixture.output(fixture.topics().dlq).readValuesToList();

            assertThat(cost).extracting(CostRecord::getChargeId).containsExactlyElementsOf(goodIds);
            assertThat(dead).hasSize(corpus.size());
            Map<String, Integer> expectedPerReason = new LinkedHashMap<>();
            for (int i = 0; i < corpus.size(); i++) {
                Bad expected = corpus.get(i);
                DeadLetter actual = dead.get(i);
                assertThat(actual.getReason()).as("reason of corpus entry %d (%s)", i, expected.mentions())
                        .isEqualTo(expected.reason());
                assertThat(actual.getMessage()).as("message of corpus entry %d", i).contains(expected.mentions());
                byte[] raw = expected.value();
                // Kept whole up to the envelope's bound; beyond it, its head plus the size and hash of the whole.
                assertThat(IngestAppFocusFilesTest.bytes(actual)).isEqualTo(
                        Arrays.copyOf(raw, Math.min(raw.length, DeadLetters.MAX_RAW_VALUE_BYTES)));
                assertThat(actual.getRawValueSize()).isEqualTo(raw.length);
                assertThat(actual.getRawValueSha256()).isEqualTo(sha256(raw));
                assertThat(actual.getPhase()).isEqualTo(FailurePhase.VALIDATION);
                assertThat(actual.getStage()).isEqualTo("ingest");
                assertThat(actual.getSourceTopic()).isEqualTo(fixture.topics().usageRaw.name());
                assertThat(actual.getSourceOffset()).isEqualTo(2L * i + 1);
                assertThat(actual.getRawKey()).isNotNull();
                expectedPerReason.merge(expected.reason(), 1, Integer::sum);
            }
            expectedPerReason.forEach((reason, count) -> assertThat(
                    fixture.count("spendstream.records.dead.lettered", "stage", "ingest", "reason", reason))
                    .as("dead-lettered{reason=%s}", reason).isEqualTo(count.doubleValue()));
            assertThat(fixture.count("spendstream.records.in", "stage", "ingest")).isEqualTo(2.0 * corpus.size());
            assertThat(fixture.count("spendstream.records.out", "stage", "ingest", "topic",
                    fixture.topics().cost.name())).isEqualTo(corpus.size());
            assertThat(fixture.driver().metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("dropped-records-total"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum())
                    .as("records Kafka Streams dropped").isZero();
        }
    }

    @Test
    void shouldCoverEveryFocusReasonCodeInTheCorpus() {
        // APM summaries and GenAI spans have their own tests (IngestAppApmTest, IngestAppGenAiTest).
        List<String> apmOnly = List.of(Ingest.NEGATIVE_COUNT, Ingest.ERRORS_EXCEED_REQUESTS,
                Ingest.NEGATIVE_LATENCY, Ingest.UNKNOWN_MODEL, Ingest.MISSING_TOKEN_USAGE, Ingest.INVALID_TOKEN_USAGE);
        List<String> expected = new ArrayList<>(Ingest.ALL.stream().filter(r -> !apmOnly.contains(r)).toList());
        expected.add(Any.FIELD_TOO_LONG);
        assertThat(corpus().stream().map(Bad::reason).distinct()).containsExactlyInAnyOrderElementsOf(expected);
    }
}
