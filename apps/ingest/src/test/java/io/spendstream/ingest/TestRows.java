package io.spendstream.ingest;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Hand-written raw inputs for tests: a valid FOCUS row and a valid APM summary to vary from. */
final class TestRows {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TestRows() {
    }

    /** An hourly AWS-style usage row that ingest accepts, produced at {@code TopologyFixture.START}. */
    static ObjectNode focus() {
        ObjectNode row = NODES.objectNode();
        row.put("BillingAccountId", "1234567890123");
        row.put("SubAccountId", "51738928782");
        row.put("BillingCurrency", "USD");
        row.put("ChargePeriodStart", "2026-11-23 09:00:00");
        row.put("ChargePeriodEnd", "2026-11-23 10:00:00");
        row.put("ChargeCategory", "Usage");
        row.putNull("ChargeClass");
        row.put("ChargeDescription", "$0.40 per million requests");
        row.put("EffectiveCost", "0.00000080000");
        row.put("BilledCost", "0.00000080000");
        row.put("ListCost", "0.00000080000");
        row.put("PricingQuantity", "2");
        row.put("PricingUnit", "Requests");
        row.put("ProviderName", "AWS");
        row.put("ServiceName", "Amazon Simple Queue Service");
        row.put("ResourceId", "arn:aws:sqs:us-west-2:347410479675:orders");
        row.put("SkuId", "G95FST5FTYV3JSRX");
        row.put("SkuPriceId", "G95FST5FTYV3JSRX.JRTCKXETXF.VXGXCWQKTY");
        row.put("RegionId", "us-west-2");
        row.put("Tags", "{\"application\": \"checkout\", \"team\": \"payments\"}");
        return row;
    }

    static ObjectNode apm() {
        ObjectNode summary = NODES.objectNode();
        summary.put("service", "checkout");
        summary.put("operation", "POST /pay");
        summary.put("windowStart", "2026-11-23T10:00:00Z");
        summary.put("windowEnd", "2026-11-23T10:00:10Z");
        summary.put("requests", 1200);
        summary.put("errors", 3);
        ObjectNode latency = summary.putObject("latencyMs");
        latency.put("p50", new java.math.BigDecimal("41.0"));
        latency.put("p95", new java.math.BigDecimal("120.0"));
        latency.put("p99", new java.math.BigDecimal("310.0"));
        summary.put("conversions", 37);
        summary.put("revenue", "1843.20");
        summary.put("currency", "USD");
        return summary;
    }

    static byte[] bytes(ObjectNode json) {
        return FocusCsv.bytes(json);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
