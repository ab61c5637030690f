package io.spendstream.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** CSV text -> rows -> the JSON objects sent to spend.usage.raw. */
class UsageRowShaperTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final String HEADER = "ChargePeriodStart,ChargePeriodEnd,BillingCurrency,EffectiveCost,BilledCost,"
            + "ResourceId,Tags,x_LineItemId\n";

    private final UsageRowShaper validating = new UsageRowShaper(null, new FocusRowPreValidation(CLOCK));

    @Test
    void shouldSendCsvValuesAsJsonStringsSoDecimalsStayExact() throws Exception {
        OutgoingRecord record = validating.shape(firstRow(HEADER
                + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,0.00001605990,0.00001605990,i-1,NULL,NULL\n"));

        JsonNode json = LoadJson.MAPPER.readTree(record.value());
        assertThat(json.get("EffectiveCost").isTextual()).isTrue();
        assertThat(json.get("EffectiveCost").textValue()).isEqualTo("0.00001605990");
        assertThat(record.effectiveCost()).isEqualTo(new BigDecimal("0.00001605990"));
        assertThat(record.currency()).isEqualTo("USD");
    }

    @Test
    void shouldTurnNullTextAndEmptyFieldsIntoJsonNull() throws Exception {
        OutgoingRecord record = validating.shape(firstRow(HEADER
                + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1.5,,NULL,null,\"\"\n"));

        JsonNode json = LoadJson.MAPPER.readTree(record.value());
        assertThat(json.get("BilledCost").isNull()).isTrue();
        assertThat(json.get("ResourceId").isNull()).isTrue();
        assertThat(json.get("Tags").isNull()).isTrue();
        assertThat(json.get("x_LineItemId").isNull()).isTrue();
        assertThat(record.key()).isNull();
    }

    @Test
    void shouldTurnTagsJsonTextIntoAnObject() throws Exception {
        OutgoingRecord record = validating.shape(firstRow(HEADER + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1,1,"
                + "i-1,\"{\"\"application\"\": \"\"BrightLens\"\", \"\"env\"\": \"\"dev\"\"}\",\n"));

        JsonNode tags = LoadJson.MAPPER.readTree(record.value()).get("Tags");
        assertThat(tags.isObject()).isTrue();
        assertThat(tags.get("application").textValue()).isEqualTo("BrightLens");
        assertThat(tags.get("env").textValue()).isEqualTo("dev");
    }

    @Test
    void shouldKeyByLineItemIdElseResourceId() throws Exception {
        assertThat(validating.shape(firstRow(HEADER + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1,1,i-1,,"
                + "li-7\n")).key()).isEqualTo("li-7");
        assertThat(validating.shape(firstRow(HEADER + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1,1,i-1,,\n"))
                .key()).isEqualTo("i-1");
    }

    @Test
    void shouldFillMissingBillingCurrencyFromTheOption() throws Exception {
        String csv = "ChargePeriodStart,ChargePeriodEnd,EffectiveCost\n"
                + "2023-01-01T00:00:00Z,2023-01-01T01:00:00Z,1.00\n";
        OutgoingRecord record = new UsageRowShaper("usd", new FocusRowPreValidation(CLOCK)).shape(firstRow(csv));

        assertThat(LoadJson.MAPPER.readTree(record.value()).get("BillingCurrency").textValue()).isEqualTo("USD");
        assertThat(record.currency()).isEqualTo("USD");
    }

    @Test
    void shouldRejectRowWithoutCurrencyWhenNoneIsGivenAndSayHowToFixIt() {
        String csv = "ChargePeriodStart,ChargePeriodEnd,EffectiveCost\n"
                + "2023-01-01T00:00:00Z,2023-01-01T01:00:00Z,1.00\n";

        assertThatThrownBy(() -> validating.shape(firstRow(csv))).isInstanceOfSatisfying(RowRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo("missing-field")).hasMessageContaining("--currency");
    }

    @Test
    void shouldRejectWhatIngestWouldDeadLetterWithIngestsReason() {
        assertThatThrownBy(() -> validating.shape(firstRow(HEADER
                + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,lots,1,i-1,,\n")))
                .isInstanceOfSatisfying(RowRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid-decimal"));
        assertThatThrownBy(() -> validating.shape(firstRow(HEADER
                + "2024-09-18 23:00:00,2024-09-18 22:00:00,USD,1,1,i-1,,\n")))
                .isInstanceOfSatisfying(RowRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid-period"));
    }

    @Test
    void shouldAcceptCurrenciesOtherThanTheReportingOneBecauseFxIsThePipelinesConcern() {
        OutgoingRecord record = validating.shape(firstRow(HEADER
                + "2024-09-18 22:00:00,2024-09-18 23:00:00,EUR,2.50,2.50,i-1,,\n"));

        assertThat(record.currency()).isEqualTo("EUR");
    }

    @Test
    void shouldAcceptMeteredRowsWithoutCostBecauseIngestPricesThem() {
        String withCurrency = "ChargePeriodStart,ChargePeriodEnd,BillingCurrency,SkuPriceId,PricingQuantity\n"
                + "2026-11-23T09:00:00Z,2026-11-23T09:01:00Z,USD,sku-1,1200\n";
        String withoutCurrency = "ChargePeriodStart,ChargePeriodEnd,SkuPriceId,PricingQuantity\n"
                + "2026-11-23T09:00:00Z,2026-11-23T09:01:00Z,sku-1,1200\n";

        assertThat(validating.shape(firstRow(withCurrency)).effectiveCost()).isNull();
        assertThat(validating.shape(firstRow(withoutCurrency)).currency()).isNull();
    }

    @Test
    void shouldRejectTagsThatAreNotAJsonObject() {
        assertThatThrownBy(() -> new UsageRowShaper(null, null).shape(firstRow(HEADER
                + "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,1,1,i-1,\"[1,2]\",\n")))
                .isInstanceOf(RowRejectedException.class).hasMessageContaining("Tags must be a JSON object");
    }

    @Test
    void shouldPassJsonLinesNumbersThroughExactly() throws Exception {
        JsonLinesRowSource source = new JsonLinesRowSource(new java.io.BufferedReader(new StringReader(
                "{\"EffectiveCost\":0.00000080000,\"BillingCurrency\":\"USD\",\"ResourceId\":\"r\"}\n")), () -> 0);
        OutgoingRecord record = new UsageRowShaper(null, null).shape((SourceItem.InputRow) source.next());

        assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"EffectiveCost\":0.00000080000");
        assertThat(record.effectiveCost()).isEqualTo(new BigDecimal("0.00000080000"));
        assertThat(record.key()).isEqualTo("r");
    }

    private static SourceItem.InputRow firstRow(String csv) {
        try (CsvRowSource source = CsvRowSource.open(new CsvReader(new StringReader(csv)), () -> 0,
                Path.of("test.csv"))) {
            return (SourceItem.InputRow) source.next();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
