package io.spendstream.deploy.example;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.spendstream.schemas.Money;

/**
 * The synthetic estate of the estimate -> bill tests: resources of a few services, even ones VMs priced per
 * instance-hour, odd ones volumes priced per GB-hour, metered every hour of one day, then billed 5% under to 5% over
 * their estimate (a "pushed" service, if any, 30% over). Gives the JSON rows, prices and tags to send and the exact
 * estimate and bill of every resource and hour to expect.
 *
 * @param prefix     start of every ResourceId
 * @param day        the day the hours are in
 * @param services   the services, each with {@code perService} consecutive resources
 * @param perService resources per service
 * @param pushed     the service billed 30% over its estimates, or null for none
 */
public record MeteredEstate(String prefix, Instant day, List<String> services, int perService, String pushed) {

    public static final String VM = "VM.M5.LARGE.OD";
    public static final String VOLUME = "EBS.GP3.GBHR";
    public static final List<String> SKUS = List.of(VM, VOLUME);
    private static final BigDecimal VM_PRICE = new BigDecimal("0.096");
    private static final BigDecimal VOLUME_PRICE = new BigDecimal("0.000109589041");
    private static final BigDecimal PUSHED_SHARE = new BigDecimal("0.30");

    public int resources() {
        return services.size() * perService;
    }

    public String resource(int r) {
        return prefix + r;
    }

    public String service(int r) {
        return services.get(r / perService);
    }

    public static String team(String service) {
        return "team-" + service.substring(service.indexOf('-') + 1);
    }

    public static String sku(int r) {
        return r % 2 == 0 ? VM : VOLUME;
    }

    private static BigDecimal price(int r) {
        return r % 2 == 0 ? VM_PRICE : VOLUME_PRICE;
    }

    /**
     * 10 to 20 instance-hours (a small fleet), or 50,000 and more GB-hours, varying by hour: a service of six
     * resources costs about 20 USD an hour, so a 30% mismatch is well past the ticket's minimum difference (1.00).
     */
    private static BigDecimal quantity(int r, int h) {
        return r % 2 == 0 ? BigDecimal.valueOf(10 + 5 * ((r + h) % 3)) : BigDecimal.valueOf(50_000 + 10 * r + h);
    }

    /** How far the bill is off the estimate: -5.0% to +5.0% by resource and hour, +30% for the pushed service. */
    private BigDecimal share(int r, int h) {
        return service(r).equals(pushed) ? PUSHED_SHARE : BigDecimal.valueOf((r * 24 + h) % 101 - 50, 3);
    }

    /** What ingest prices the metered row of resource r at hour h at: quantity x unit price, exact. */
    public BigDecimal estimate(int r, int h) {
        return quantity(r, h).multiply(price(r));
    }

    /** The bill row's EffectiveCost for resource r at hour h. */
    public BigDecimal bill(int r, int h) {
        return Money.of(estimate(r, h).multiply(BigDecimal.ONE.add(share(r, h))));
    }

    /** The metered row of resource r at hour h: no cost columns, priced from spend.prices. */
    public String meteredRow(int r, int h) {
        return row("est-" + r + "-" + h, r, h, "");
    }

    /** The FOCUS bill row of resource r at hour h. */
    public String billedRow(int r, int h) {
        String cost = bill(r, h).toPlainString();
        return row("bill-" + r + "-" + h, r, h, ",\"EffectiveCost\":\"" + cost + "\",\"BilledCost\":\"" + cost
                + "\",\"BillingCurrency\":\"USD\"");
    }

    private String row(String lineItemId, int r, int h, String money) {
        Instant start = day.plus(Duration.ofHours(h));
        return "{\"x_LineItemId\":\"" + lineItemId + "\",\"ChargeCategory\":\"Usage\",\"ChargePeriodStart\":\"" + start
                + "\",\"ChargePeriodEnd\":\"" + start.plus(Duration.ofHours(1)) + "\",\"ResourceId\":\"" + resource(r)
                + "\",\"SkuPriceId\":\"" + sku(r) + "\",\"PricingQuantity\":\"" + quantity(r, h)
                + "\",\"PricingUnit\":\"" + (r % 2 == 0 ? "Hours" : "GB-Hours") + "\"" + money
                + ",\"ServiceName\":\"Amazon Elastic Compute Cloud\"}";
    }

    /** The spend.prices entry (key = the SKU) of a SKU. */
    public static String priceJson(String sku) {
        return "{\"unitPrice\":\"" + (sku.equals(VM) ? VM_PRICE : VOLUME_PRICE) + "\",\"currency\":\"USD\","
                + "\"pricingUnit\":\"" + (sku.equals(VM) ? "Hours" : "GB-Hours") + "\"}";
    }

    /** The spend.tags entry (key = the resource) of resource r: its service and team since the start of 2026. */
    public String tagJson(int r) {
        return "{\"service\":\"" + service(r) + "\",\"team\":\"" + team(service(r))
                + "\",\"validFrom\":\"2026-01-01T00:00:00Z\"}";
    }
}
