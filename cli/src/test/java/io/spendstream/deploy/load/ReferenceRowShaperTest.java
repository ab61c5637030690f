package io.spendstream.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.Test;

/** Rows -> the JSON shapes of the product spec for spend.tags, spend.budgets, spend.prices, spend.fx-rates. */
class ReferenceRowShaperTest {

    @Test
    void shouldShapeBudgetWithExactAmountAndThresholdList() {
        OutgoingRecord record = shape(LoadKind.BUDGETS, null,
                "scope,amount,currency,period,alertAt\nteam:payments,30000.00,usd,MONTH,0.5;0.75;0.9;1.0\n");

        assertThat(record.key()).isEqualTo("team:payments");
        assertThat(json(record)).isEqualTo("{\"amount\":\"30000.00\",\"currency\":\"USD\",\"period\":\"MONTH\","
                + "\"alertAt\":[0.5,0.75,0.9,1.0]}");
    }

    @Test
    void shouldShapePriceAndFillCurrencyFromTheOption() {
        OutgoingRecord record = shape(LoadKind.PRICES, "USD",
                "SkuPriceId,unitPrice,PricingUnit\nG95F.JRTC.VXGX,0.0000004,Requests\n");

        assertThat(record.key()).isEqualTo("G95F.JRTC.VXGX");
        assertThat(json(record)).isEqualTo("{\"unitPrice\":\"0.0000004\",\"currency\":\"USD\","
                + "\"pricingUnit\":\"Requests\"}");
    }

    @Test
    void shouldShapeAModelPriceListRowKeyedByProviderAndModel() {
        OutgoingRecord record = shape(LoadKind.PRICES, null, "provider,model,currency,inputPerMillionTokens,"
                + "outputPerMillionTokens,cachedInputPerMillionTokens,perRequest\n"
                + "openai,gpt-4o,usd,2.50,10.00,1.25,\n");

        assertThat(record.key()).isEqualTo("openai/gpt-4o");
        assertThat(json(record)).isEqualTo("{\"currency\":\"USD\",\"inputPerMillionTokens\":\"2.50\","
                + "\"outputPerMillionTokens\":\"10.00\",\"cachedInputPerMillionTokens\":\"1.25\","
                + "\"provider\":\"openai\",\"model\":\"gpt-4o\"}");
    }

    @Test
    void shouldLoadTheExampleModelPriceFileShippedInTheDocs() throws java.io.IOException {
        Path file = Path.of("..", "docs", "genai", "model-prices-EXAMPLE-2026-12-06.csv");
        try (CsvRowSource source = CsvRowSource.open(new CsvReader(java.nio.file.Files.newBufferedReader(file)),
                () -> 0, file)) {
            RowShaper shaper = LoadKind.PRICES.shaper(null, true, Clock.systemUTC());
            java.util.List<String> keys = new java.util.ArrayList<>();
            for (SourceItem item = source.next(); item != null; item = source.next()) {
                keys.add(shaper.shape((SourceItem.InputRow) item).key());
            }
            assertThat(keys).contains("openai/gpt-4o", "anthropic/claude-sonnet-4").hasSize(5);
        }
    }

    @Test
    void shouldRefuseAModelRowWithoutProviderOrOutputPrice() {
        assertThatThrownBy(() -> shape(LoadKind.PRICES, "USD", "model,inputPerMillionTokens,"
                + "outputPerMillionTokens\ngpt-4o,2.5,10\n"))
                .isInstanceOfSatisfying(RowRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo("missing-key"))
                .hasMessageContaining("provider is missing");
        assertThatThrownBy(() -> shape(LoadKind.PRICES, "USD", "provider,model,inputPerMillionTokens\n"
                + "openai,gpt-4o,2.5\n"))
                .isInstanceOf(RowRejectedException.class).hasMessage("outputPerMillionTokens is missing");
    }

    @Test
    void shouldShapeFxRateKeyedByCurrencyCode() {
        OutgoingRecord record = shape(LoadKind.FX, null, "currency,rate,asOf\neur,1.0842,2026-11-23T00:00:00Z\n");

        assertThat(record.key()).isEqualTo("EUR");
        assertThat(json(record)).isEqualTo("{\"rate\":\"1.0842\",\"asOf\":\"2026-11-23T00:00:00Z\"}");
    }

    @Test
    void shouldShapeTagsWithBooleanSharedAndDropNullColumns() {
        OutgoingRecord record = shape(LoadKind.TAGS, null,
                "ResourceId,service,team,costCenter,shared,validFrom\ni-1,checkout,payments,NULL,TRUE,"
                        + "2026-11-01T00:00:00Z\n");

        assertThat(record.key()).isEqualTo("i-1");
        assertThat(json(record)).isEqualTo("{\"service\":\"checkout\",\"team\":\"payments\",\"shared\":true,"
                + "\"validFrom\":\"2026-11-01T00:00:00Z\"}");
    }

    @Test
    void shouldRejectRowsWithoutKeyOrWithBadValues() {
        assertThatThrownBy(() -> shape(LoadKind.TAGS, null, "ResourceId,service\n,checkout\n"))
                .isInstanceOfSatisfying(RowRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo("missing-key"));
        assertThatThrownBy(() -> shape(LoadKind.FX, null, "currency,rate\nEUR,0\n"))
                .isInstanceOf(RowRejectedException.class).hasMessage("rate '0' must be above 0");
        assertThatThrownBy(() -> shape(LoadKind.BUDGETS, null, "scope,amount,currency,period\nteam:a,100,,MONTH\n"))
                .isInstanceOf(RowRejectedException.class).hasMessage("currency is missing");
        assertThatThrownBy(() -> shape(LoadKind.TAGS, null, "ResourceId,validFrom\ni-1,yesterday\n"))
                .isInstanceOf(RowRejectedException.class).hasMessageContaining("validFrom 'yesterday'");
    }

    private static OutgoingRecord shape(LoadKind kind, String currency, String csv) {
        try (CsvRowSource source = CsvRowSource.open(new CsvReader(new StringReader(csv)), () -> 0,
                Path.of("test.csv"))) {
            return kind.shaper(currency, true, Clock.systemUTC()).shape((SourceItem.InputRow) source.next());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String json(OutgoingRecord record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
