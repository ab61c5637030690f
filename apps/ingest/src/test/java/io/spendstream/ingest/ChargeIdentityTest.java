package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.runtime.testing.TopologyFixture;

class ChargeIdentityTest {

    private final FocusRowParser parser = new FocusRowParser();

    private String idOf(ObjectNode row) {
        return parser.parse(TestRows.bytes(row), TopologyFixture.START.toEpochMilli()).getChargeId();
    }

    @Test
    void shouldUseTheProvidersLineItemIdWhenPresent() {
        ObjectNode row = TestRows.focus();
        row.put("x_LineItemId", "li-42");
        assertThat(idOf(row)).isEqualTo("li-42");
    }

    @Test
    void shouldHashTheSameAcrossTimestampFormats() {
        ObjectNode plain = TestRows.focus();
        ObjectNode iso = TestRows.focus();
        iso.put("ChargePeriodStart", "2026-11-23T09:00:00Z");
        iso.put("ChargePeriodEnd", "2026-11-23T10:00:00.000Z");
        ObjectNode offset = TestRows.focus();
        offset.put("ChargePeriodStart", "2026-11-23T10:00:00+01:00");
        offset.put("ChargePeriodEnd", "2026-11-23T11:00:00+0100");
        assertThat(idOf(plain)).matches("[0-9a-f]{64}").isEqualTo(idOf(iso)).isEqualTo(idOf(offset));
    }

    @Test
    void shouldHashTheSameForNumbersAndStringsAndForEveryFormOfNull() {
        ObjectNode text = TestRows.focus();
        ObjectNode number = TestRows.focus();
        number.put("SubAccountId", 51738928782L);
        ObjectNode nullText = TestRows.focus();
        nullText.put("ChargeClass", "NULL");
        ObjectNode missing = TestRows.focus();
        missing.remove("ChargeClass");
        assertThat(idOf(text)).isEqualTo(idOf(number)).isEqualTo(idOf(nullText)).isEqualTo(idOf(missing));
    }

    @Test
    void shouldDistinguishChargesThatDifferInAnIdentifyingColumnOrId() {
        ObjectNode base = TestRows.focus();
        ObjectNode otherResource = TestRows.focus();
        otherResource.put("ResourceId", "arn:aws:sqs:us-west-2:347410479675:refunds");
        ObjectNode withId = TestRows.focus();
        withId.put("Id", "11472");
        ObjectNode otherCost = TestRows.focus();
        otherCost.put("EffectiveCost", "9.99");
        assertThat(idOf(base)).isNotEqualTo(idOf(otherResource)).isNotEqualTo(idOf(withId));
        assertThat(idOf(otherCost)).as("a restated cost is the same charge").isEqualTo(idOf(base));
    }

    @Test
    void shouldNotConfuseTextMovedAcrossAColumnBoundary() {
        ObjectNode left = TestRows.focus();
        left.put("SkuId", "AB");
        left.put("SkuPriceId", "C");
        ObjectNode right = TestRows.focus();
        right.put("SkuId", "A");
        right.put("SkuPriceId", "BC");
        assertThat(idOf(left)).isNotEqualTo(idOf(right));
    }

    /** {@code name:length:value;} as documented on {@link ChargeIdentity}. */
    private static String field(String name, String value) {
        return name + ":" + value.length() + ":" + value + ";";
    }

    @Test
    void shouldFollowTheDocumentedEncoding() throws Exception {
        String canonical = field("BillingAccountId", "1234567890123")
                + field("SubAccountId", "51738928782")
                + field("ChargePeriodStart", "2026-11-23T09:00:00Z")
                + field("ChargePeriodEnd", "2026-11-23T10:00:00Z")
                + field("ChargeCategory", "Usage")
                + "ChargeClass!;"
                + field("ResourceId", "arn:aws:sqs:us-west-2:347410479675:orders")
                + field("SkuId", "G95FST5FTYV3JSRX")
                + field("SkuPriceId", "G95FST5FTYV3JSRX.JRTCKXETXF.VXGXCWQKTY")
                + field("ServiceName", "Amazon Simple Queue Service")
                + field("RegionId", "us-west-2")
                + field("ChargeDescription", "$0.40 per million requests")
                + "CommitmentDiscountId!;"
                + "PricingCategory!;";
        String expected = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        assertThat(idOf(TestRows.focus())).isEqualTo(expected);
    }
}
