package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Column lookup of {@link FocusRow}: exact spelling first, then any case, for the columns ingest reads and others. */
class FocusRowTest {

    private static FocusRow row(String json) {
        return new FocusRow(JsonObjects.parse(TestRows.utf8(json)));
    }

    @Test
    void shouldFindAColumnReadByIngestInAnyCaseAndPreferTheExactSpelling() {
        assertThat(row("{\"skupriceid\":\"a\"}").text("SkuPriceId")).isEqualTo("a");
        assertThat(row("{\"SKUPRICEID\":\"first\",\"SkuPriceid\":\"second\"}").text("SkuPriceId"))
                .as("the first key of that name in the row").isEqualTo("first");
        assertThat(row("{\"skupriceid\":\"other\",\"SkuPriceId\":\"exact\"}").text("SkuPriceId")).isEqualTo("exact");
        assertThat(row("{\"SkuId\":\"a\"}").text("SkuPriceId")).isNull();
    }

    @Test
    void shouldFindAColumnIngestDoesNotReadInAnyCaseToo() {
        assertThat(FocusRow.COLUMNS_READ).doesNotContain("InvoiceIssuerName", "x_Project");
        FocusRow row = row("{\"invoiceissuername\":\"first\",\"INVOICEISSUERNAME\":\"second\",\"X_project\":\"p\"}");
        assertThat(row.text("InvoiceIssuerName")).isEqualTo("first");
        assertThat(row.text("x_Project")).isEqualTo("p");
        assertThat(row.text("x_Other")).isNull();
    }

    @Test
    void shouldMatchCaseAsLowerCasingDoesNotAsTheCaseInsensitiveOrderDoes() {
        // U+0130 (I with a dot) lower-cases to "i" plus a combining dot: not SkuPriceId in another case.
        assertThat(row("{\"SKUPR\u0130CEID\":\"a\"}").text("SkuPriceId")).isNull();
        assertThat(row("{\"X_PR\u0130CE\":\"a\"}").text("x_Price")).isNull();
    }

    @Test
    void shouldTreatAColumnInAnotherCaseAsAbsentByTheSameRulesAsAnExactOne() {
        ObjectNode json = TestRows.focus();
        json.remove("RegionId");
        json.put("regionid", "NULL");
        assertThat(new FocusRow(json).value("RegionId")).isNull();
    }
}
