package io.spendstream.deploy.statesize;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The synthetic estate of {@code spendstream state-size}, as the raw JSON the ingest app accepts, hour by hour:
 * {@code scopes} services of {@code scopes / 10} teams and 7 products, each with {@code resourcesPerScope}
 * resources on {@value #SKUS} SKUs. Every resource sends one hourly FOCUS row per hour: even resources metered usage
 * (SkuPriceId x PricingQuantity, priced from {@code spend.prices}) whose hourly bill arrives {@link #BILL_LAG}
 * later and supersedes it (so ingest's estimate state and attribution's reconciliation state fill as in
 * production), odd resources billed rows; every tenth service's first billed resource is covered by one of 20
 * commitment discounts. Six APM summaries per service per hour (ten-minute summaries; more would change values, not
 * the number of windows, which the hourly rows already fill), revenue on every 25th service. Tags for 19
 * resources in 20, a monthly budget per team and per tenth service.
 *
 * <p>Pure: the records depend only on the settings and the hour.
 */
final class StateSizeEstate {

    static final int SKUS = 40;
    /**
     * Real bills lag their usage by a day or more; the lag decides when an hour's bill and reconciliation entries
     * appear, not how many there are per hour, and six hours keep the measured runs short.
     */
    static final Duration BILL_LAG = Duration.ofHours(6);
    static final int APM_PER_HOUR = 6;
    static final Instant START = Instant.parse("2026-11-02T00:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] UNITS = {"Hours", "Requests", "GB-Hours", "GB"};

    /** One raw input record: topic (by role), key, value, timestamp. */
    record Raw(Input input, String key, String value, Instant timestamp) {
        byte[] keyBytes() {
            return key.getBytes(StandardCharsets.UTF_8);
        }

        byte[] valueBytes() {
            return value.getBytes(StandardCharsets.UTF_8);
        }
    }

    enum Input { USAGE, APM, TAGS, BUDGETS, PRICES, FX_RATES }

    private final int scopes;
    private final int resourcesPerScope;

    StateSizeEstate(int scopes, int resourcesPerScope) {
        if (scopes < 10 || resourcesPerScope < 2) {
            throw new IllegalArgumentException("The estate needs at least 10 scopes and 2 resources per scope");
        }
        this.scopes = scopes;
        this.resourcesPerScope = resourcesPerScope;
    }

    static Instant hour(long h) {
        return START.plus(Duration.ofHours(h));
    }

    private static String service(int s) {
        return String.format("svc-%05d", s);
    }

    private static String team(int s) {
        return String.format("team-%04d", s / 10);
    }

    private String resource(int s, int k) {
        return String.format("res-%05d-%02d", s, k);
    }

    private int sku(int s, int k) {
        return (s * resourcesPerScope + k) % SKUS;
    }

    private static String skuPriceId(int sku) {
        return String.format("sku-price-%02d", sku);
    }

    /** Prices, FX rates, tags and budgets, stamped a day before the first hour. */
    List<Raw> reference() {
        Instant at = START.minus(Duration.ofDays(1));
        List<Raw> records = new ArrayList<>();
        for (int sku = 0; sku < SKUS; sku++) {
            ObjectNode price = JSON.createObjectNode()
                    .put("unitPrice", BigDecimal.valueOf(100 + sku * 37L, 5).toPlainString())
                    .put("currency", sku % 5 == 0 ? "EUR" : "USD")
                    .put("pricingUnit", UNITS[sku % UNITS.length]);
            records.add(new Raw(Input.PRICES, skuPriceId(sku), price.toString(), at));
        }
        records.add(new Raw(Input.FX_RATES, "EUR", "{\"rate\":\"1.0842\"}", at));
        for (int s = 0; s < scopes; s++) {
            for (int k = 0; k < resourcesPerScope; k++) {
                if ((s * resourcesPerScope + k) % 20 == 19) {
                    continue;
                }
                ObjectNode tag = JSON.createObjectNode()
                        .put("service", service(s)).put("team", team(s)).put("product", "product-" + s % 7)
                        .put("environment", k % 3 == 0 ? "staging" : "prod").put("costCenter", "CC-" + s % 50)
                        .put("validFrom", at.toString());
                records.add(new Raw(Input.TAGS, resource(s, k), tag.toString(), at));
            }
        }
        for (int t = 0; t <= (scopes - 1) / 10; t++) {
            records.add(new Raw(Input.BUDGETS, "team:" + String.format("team-%04d", t), budget("250000.00"), at));
        }
        for (int s = 0; s < scopes; s += 10) {
            records.add(new Raw(Input.BUDGETS, "service:" + service(s), budget("40000.00"), at));
        }
        return records;
    }

    private static String budget(String amount) {
        return "{\"amount\":\"" + amount + "\",\"currency\":\"USD\",\"period\":\"MONTH\",\"alertAt\":[0.5,0.75,0.9,1.0]}";
    }

    /** Hour {@code h}: every resource's row of that hour, the bills of the metered rows of the bill lag before, APM. */
    List<Raw> hourOf(long h) {
        List<Raw> records = new ArrayList<>();
        long billed = h - BILL_LAG.toHours();
        for (int s = 0; s < scopes; s++) {
            for (int k = 0; k < resourcesPerScope; k++) {
                records.add(usage(h, s, k, false));
                if (k % 2 == 0 && billed >= 0) {
                    records.add(usage(billed, s, k, true));
                }
            }
        }
        for (int s = 0; s < scopes; s++) {
            for (int i = 0; i < APM_PER_HOUR; i++) {
                records.add(apm(h, i, s));
            }
        }
        return records;
    }

    /** The row of resource {@code k} of service {@code s} for hour {@code h}; {@code bill}: the bill of an estimate. */
    private Raw usage(long h, int s, int k, boolean bill) {
        Random random = new Random(h * 1_000_003L + s * 101L + k);
        Instant from = hour(h);
        int sku = sku(s, k);
        BigDecimal quantity = BigDecimal.valueOf(50 + random.nextInt(950), 2);
        ObjectNode row = JSON.createObjectNode()
                .put("ChargePeriodStart", from.toString())
                .put("ChargePeriodEnd", from.plus(Duration.ofHours(1)).toString())
                .put("ChargeCategory", "Usage")
                .put("ChargeFrequency", "Usage-Based")
                .put("ProviderName", "AWS")
                .put("BillingAccountId", "123456789012")
                .put("SubAccountId", "210987654321")
                .put("RegionId", "us-east-1")
                .put("ResourceId", resource(s, k))
                .put("ResourceName", resource(s, k))
                .put("x_LineItemId", (bill ? "bill-" : "use-") + s + "-" + k + "-" + h)
                .put("BillingCurrency", "USD")
                .put("SkuId", "sku-" + sku).put("SkuPriceId", skuPriceId(sku))
                .put("PricingQuantity", quantity.toPlainString())
                .put("PricingUnit", UNITS[sku % UNITS.length])
                .put("ServiceName", sku % 2 == 0 ? "Amazon Elastic Compute Cloud" : "Amazon Simple Storage Service");
        if (bill || k % 2 == 1) {
            // Within +-5% of what the metered price would give, as a bill is of its estimate.
            BigDecimal cost = BigDecimal.valueOf(1000 + random.nextInt(90_000), 6);
            row.put("EffectiveCost", cost.toPlainString()).put("BilledCost", cost.toPlainString())
                    .put("ListCost", cost.toPlainString());
            if (!bill && k == 1 && s % 10 == 0) {
                row.put("CommitmentDiscountId", "cd-" + (s / 10) % 20).put("CommitmentDiscountStatus", "Used")
                        .put("CommitmentDiscountCategory", "Spend").put("CommitmentDiscountType", "Savings Plan");
            }
        }
        return new Raw(Input.USAGE, resource(s, k), row.toString(), from.plus(bill ? BILL_LAG : Duration.ZERO));
    }

    private Raw apm(long h, int i, int s) {
        Random random = new Random(h * 7_919L + i * 31L + s);
        Instant from = hour(h).plus(Duration.ofMinutes(10L * i));
        long requests = 5_000 + random.nextInt(50_000);
        ObjectNode apm = JSON.createObjectNode()
                .put("service", service(s)).put("operation", "all")
                .put("windowStart", from.toString()).put("windowEnd", from.plus(Duration.ofMinutes(10)).toString())
                .put("requests", requests).put("errors", requests / 200);
        apm.putObject("latencyMs").put("p50", 20.0 + s % 30).put("p95", 80.0 + s % 50).put("p99", 200.0 + s % 90);
        if (s % 25 == 0) {
            apm.put("conversions", requests / 40).put("revenue", BigDecimal.valueOf(requests * 3, 1).toPlainString())
                    .put("currency", "USD");
        }
        return new Raw(Input.APM, service(s), apm.toString(), from);
    }
}
