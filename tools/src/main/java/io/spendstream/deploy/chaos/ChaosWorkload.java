package io.spendstream.deploy.chaos;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.schemas.SpendstreamTopics;

/**
 * The crash test's known workload: {@code rows} billed FOCUS usage rows (each its own line item, an EffectiveCost in
 * USD with 6 decimals, so nothing is priced or converted and the input total is exact), one per resource per minute,
 * {@value #RESOURCES} resources of {@value #SERVICES} services, every resource tagged (service, team, product), and a
 * monthly budget per team. Every money output therefore sums to {@link #total()}: spend.cost and spend.cost.attributed
 * record by record, unit cost per service per minute and per hour, showback per team and per product per hour and the
 * budgets' consumed spend by their latest record per key.
 *
 * <p>Pure: the rows depend only on the seed, the count and the start.
 */
public final class ChaosWorkload {

    static final int RESOURCES = 200;
    static final int SERVICES = 20;
    static final int TEAMS = 5;
    static final int PRODUCTS = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int rows;
    private final long seed;
    private final Instant start;
    private final BigDecimal[] costs;
    private final BigDecimal total;

    public ChaosWorkload(int rows, long seed, Instant start) {
        this.rows = rows;
        this.seed = seed;
        this.start = start;
        Random random = new Random(seed);
        this.costs = new BigDecimal[rows];
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < rows; i++) {
            costs[i] = BigDecimal.valueOf(1 + random.nextInt(999_999), 6);
            sum = sum.add(costs[i]);
        }
        this.total = sum;
    }

    /**
     * The start for {@code rows} rows that end an hour before {@code now} (the broker refuses timestamps too far in the
     * future) and lie in one calendar month (budgets are monthly: one consumed figure per team).
     */
    public static Instant startFor(int rows, Instant now) {
        Duration span = Duration.ofMinutes((rows + RESOURCES - 1) / RESOURCES);
        Instant start = now.minus(span).minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        Instant monthStart = ZonedDateTime.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1)
                .truncatedTo(ChronoUnit.DAYS).toInstant();
        if (start.isBefore(monthStart) && now.minus(Duration.ofHours(1)).isAfter(monthStart)) {
            // Crossing into this month: all in the last month instead, ending before its end.
            start = monthStart.minus(span).minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        }
        return start;
    }

    public int rows() {
        return rows;
    }

    /** Sum of every row's EffectiveCost (USD, exact). */
    public BigDecimal total() {
        return total;
    }

    public Instant start() {
        return start;
    }

    static String resource(int r) {
        return String.format("chaos-res-%03d", r);
    }

    static String service(int r) {
        return String.format("chaos-svc-%02d", r % SERVICES);
    }

    static String team(int r) {
        return "chaos-team-" + (r % SERVICES) % TEAMS;
    }

    static String product(int r) {
        return "chaos-product-" + (r % SERVICES) % PRODUCTS;
    }

    /** Owners of every resource, valid from a day before the first row. */
    public List<ProducerRecord<String, String>> tags(SpendstreamTopics topics) {
        List<ProducerRecord<String, String>> tags = new ArrayList<>();
        for (int r = 0; r < RESOURCES; r++) {
            ObjectNode tag = JSON.createObjectNode().put("service", service(r)).put("team", team(r))
                    .put("product", product(r)).put("environment", "prod")
                    .put("validFrom", start.minus(Duration.ofDays(1)).toString());
            tags.add(new ProducerRecord<>(topics.tags.name(), resource(r), tag.toString()));
        }
        return tags;
    }

    /** A monthly budget per team, large enough never to page. */
    public List<ProducerRecord<String, String>> budgets(SpendstreamTopics topics) {
        List<ProducerRecord<String, String>> budgets = new ArrayList<>();
        for (int t = 0; t < TEAMS; t++) {
            budgets.add(new ProducerRecord<>(topics.budgets.name(), "team:chaos-team-" + t,
                    "{\"amount\":\"100000000.00\",\"currency\":\"USD\",\"period\":\"MONTH\",\"alertAt\":[1.0]}"));
        }
        return budgets;
    }

    /** Row {@code i}: resource {@code i % RESOURCES} in minute {@code i / RESOURCES}, its own line item. */
    public ProducerRecord<String, String> row(SpendstreamTopics topics, int i) {
        int r = i % RESOURCES;
        Instant from = start.plus(Duration.ofMinutes(i / RESOURCES));
        String cost = costs[i].toPlainString();
        ObjectNode row = JSON.createObjectNode()
                .put("ChargePeriodStart", from.toString())
                .put("ChargePeriodEnd", from.plus(Duration.ofMinutes(1)).toString())
                .put("ChargeCategory", "Usage")
                .put("ProviderName", "AWS")
                .put("ServiceName", "Amazon Elastic Compute Cloud")
                .put("ResourceId", resource(r))
                .put("x_LineItemId", "chaos-" + seed + "-" + i)
                .put("EffectiveCost", cost).put("BilledCost", cost).put("BillingCurrency", "USD");
        return new ProducerRecord<>(topics.usageRaw.name(), resource(r), row.toString());
    }
}
