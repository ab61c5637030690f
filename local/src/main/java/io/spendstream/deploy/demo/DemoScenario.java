package io.spendstream.deploy.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.schemas.SpendstreamTopics;

/**
 * A small but realistic estate, as JSON the way collectors write it: six services of four teams on fifteen
 * resources, metered usage rows (FOCUS) and APM summaries every five seconds with a few percent of noise, plus a
 * seventh service, {@value ModelCalls#SERVICE}, that calls a model (OTLP traces with GenAI spans, priced from
 * {@code spend.prices}: {@link ModelCalls}); and one injected incident ({@link Incident}): by default the
 * {@code recommendations} GPU pool scales out and costs ten times its usual rate; or an agent loop, where each
 * request of {@value ModelCalls#SERVICE} calls the model twenty times.
 *
 * <p>For the value figures ({@code spend.value}) there is also a day of minute-level history of the payments team
 * ({@link #valueHistory}): checkout's conversions follow its latency (one percentage point less per +100 ms of p95,
 * {@link #conversionRate}), its traffic follows a daily curve that its database cost grows with, and one hour has a
 * 200 ms latency regression; {@link #settings} gives checkout an SLO.
 *
 * <p>Pure: the records for an interval depend only on the interval's start and the seed, so tests replay exactly
 * what {@code spendstream up} shows.
 */
public final class DemoScenario {

    public static final Duration INTERVAL = Duration.ofSeconds(5);
    public static final String INCIDENT_SERVICE = "recommendations";
    /** The resource whose cost spikes: the anomaly names it (and its SKU) as top contributor. */
    public static final String INCIDENT_RESOURCE = "gpu-recs-pool";
    public static final int INCIDENT_FACTOR = 10;
    /** The service that calls a model, and the model: the agent loop's service and its top contributor. */
    public static final String MODEL_SERVICE = ModelCalls.SERVICE;
    public static final String MODEL = ModelCalls.MODEL;
    /** The resource of the model's cost: one per model and calling service ({@code <provider>/<model>@<service>}). */
    public static final String MODEL_RESOURCE = ModelCalls.priceKey() + "@" + ModelCalls.SERVICE;
    /** How much more the agent loop spends on tokens: each request calls the model this many times instead of once. */
    public static final int AGENT_LOOP_FACTOR = ModelCalls.LOOP_CALLS;

    /** The service whose conversions follow its latency, and what each conversion brings. */
    public static final String FUNNEL_SERVICE = "checkout";
    public static final BigDecimal REVENUE_PER_CONVERSION = new BigDecimal("5.00");
    /** How much slower checkout's p95 is in the regression hour of {@link #valueHistory}. */
    public static final double REGRESSION_MS = 200;
    /** The team whose services {@link #valueHistory} covers (all of them, so the team's cost series stays whole). */
    static final String VALUE_TEAM = "payments";

    /** The demo's incident. */
    public enum Incident {
        /** The recommendations GPU pool costs {@value #INCIDENT_FACTOR} times its usual rate. */
        GPU_POOL,
        /** An agent of {@value ModelCalls#SERVICE} loops: {@value ModelCalls#LOOP_CALLS} model calls a request. */
        AGENT_LOOP
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A resource and what it costs per interval in steady state. */
    record Resource(String id, String service, String team, String product, String providerService, String sku,
            BigDecimal costPerInterval, boolean tagged) {
    }

    /** A service's steady traffic per interval. */
    record Traffic(String service, long requests, double errorRate, double p95Ms, BigDecimal revenuePerRequest) {
    }

    private static final List<Resource> RESOURCES = List.of(
            resource("i-0checkout01", "checkout", "payments", "store", "Amazon Elastic Compute Cloud", "m6i.xlarge", "0.0160"),
            resource("i-0checkout02", "checkout", "payments", "store", "Amazon Elastic Compute Cloud", "m6i.xlarge", "0.0160"),
            resource("db-checkout", "checkout", "payments", "store", "Amazon Relational Database Service", "db.r6g.large", "0.0300"),
            resource("i-0search01", "search", "discovery", "store", "Amazon Elastic Compute Cloud", "c6i.2xlarge", "0.0280"),
            resource("i-0search02", "search", "discovery", "store", "Amazon Elastic Compute Cloud", "c6i.2xlarge", "0.0280"),
            resource("es-search", "search", "discovery", "store", "Amazon OpenSearch Service", "r6g.large.search", "0.0240"),
            resource("i-0catalog01", "catalog", "discovery", "store", "Amazon Elastic Compute Cloud", "m6i.large", "0.0080"),
            resource("s3-catalog-images", "catalog", "discovery", "store", "Amazon Simple Storage Service", "TimedStorage-ByteHrs", "0.0040"),
            resource(INCIDENT_RESOURCE, INCIDENT_SERVICE, "ml-platform", "personalisation", "Amazon Elastic Compute Cloud", "g5.xlarge", "0.0700"),
            resource("i-0recs-api01", INCIDENT_SERVICE, "ml-platform", "personalisation", "Amazon Elastic Compute Cloud", "m6i.large", "0.0080"),
            resource("i-0payments01", "payments-api", "payments", "store", "Amazon Elastic Compute Cloud", "m6i.xlarge", "0.0160"),
            resource("sqs-payments", "payments-api", "payments", "store", "Amazon Simple Queue Service", "Requests-Tier1", "0.0020"),
            resource("i-0auth01", "auth", "identity", "platform", "Amazon Elastic Compute Cloud", "t3.large", "0.0012"),
            resource("nat-gw-shared", "platform-network", "platform", "platform", "Amazon Virtual Private Cloud", "NatGateway-Hours", "0.0060"),
            // Nobody tagged this one: its spend shows up as unallocated.
            new Resource("i-0forgotten", null, null, null, "Amazon Elastic Compute Cloud", "m5.large", new BigDecimal("0.0096"), false));

    private static final List<Traffic> TRAFFIC = List.of(
            new Traffic("checkout", 600, 0.004, 120.0, new BigDecimal("0.25")),
            new Traffic("search", 3000, 0.001, 80.0, null),
            new Traffic("catalog", 1500, 0.002, 45.0, null),
            new Traffic(INCIDENT_SERVICE, 900, 0.003, 60.0, null),
            new Traffic("payments-api", 400, 0.002, 150.0, null),
            new Traffic("auth", 2000, 0.0005, 20.0, null));

    private final long seed;
    private final Incident incident;

    public DemoScenario(long seed) {
        this(seed, Incident.GPU_POOL);
    }

    public DemoScenario(long seed, Incident incident) {
        this.seed = seed;
        this.incident = incident;
    }

    /** The service the incident hits. */
    public String incidentService() {
        return incident == Incident.AGENT_LOOP ? MODEL_SERVICE : INCIDENT_SERVICE;
    }

    /** The model price entries of {@code spend.prices} the model calls need (before any call is sent). */
    public List<ProducerRecord<String, String>> prices(SpendstreamTopics topics) {
        return List.of(new ProducerRecord<>(topics.prices.name(), ModelCalls.priceKey(), ModelCalls.PRICE));
    }

    /** The keys of {@link #prices}. */
    public static List<String> priceKeys() {
        return ModelCalls.priceKeys();
    }

    private static Resource resource(String id, String service, String team, String product, String providerService,
            String sku, String costPerInterval) {
        return new Resource(id, service, team, product, providerService, sku, new BigDecimal(costPerInterval), true);
    }

    /** Tag metadata for every tagged resource, keyed by ResourceId, valid from {@code validFrom}. */
    public List<ProducerRecord<String, String>> tags(SpendstreamTopics topics, Instant validFrom) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (Resource r : RESOURCES) {
            if (!r.tagged()) {
                continue;
            }
            ObjectNode tag = JSON.createObjectNode()
                    .put("service", r.service()).put("team", r.team()).put("product", r.product())
                    .put("environment", "prod").put("costCenter", "CC-" + Math.abs(r.team().hashCode() % 90 + 10))
                    .put("validFrom", validFrom.toString());
            records.add(new ProducerRecord<>(topics.tags.name(), r.id(), tag.toString()));
        }
        return records;
    }

    /**
     * The usage rows, APM summaries and model-call traces of the interval starting at {@code start}; with
     * {@code incident} the scenario's {@link Incident} is on.
     */
    public List<ProducerRecord<String, String>> interval(SpendstreamTopics topics, Instant start, boolean incident) {
        boolean gpuPool = incident && this.incident == Incident.GPU_POOL;
        boolean agentLoop = incident && this.incident == Incident.AGENT_LOOP;
        Random random = new Random(seed ^ start.toEpochMilli());
        Instant end = start.plus(INTERVAL);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (Resource r : RESOURCES) {
            BigDecimal cost = r.costPerInterval().multiply(noise(random));
            if (gpuPool && r.id().equals(INCIDENT_RESOURCE)) {
                cost = cost.multiply(BigDecimal.valueOf(INCIDENT_FACTOR));
            }
            records.add(new ProducerRecord<>(topics.usageRaw.name(), r.id(), usageRow(r, start, end, cost).toString()));
        }
        for (Traffic t : TRAFFIC) {
            records.add(new ProducerRecord<>(topics.apmRaw.name(), t.service(),
                    apmSummary(t, start, end, random).toString()));
        }
        // Last, so that the other records' noise is the same with or without the agent loop.
        records.add(new ProducerRecord<>(topics.apmRaw.name(), MODEL_SERVICE,
                ModelCalls.trace(start, agentLoop, random).toString()));
        return records;
    }

    /** A multiplier in [0.95, 1.05) with four decimals: noise that stays exact in decimal arithmetic. */
    private static BigDecimal noise(Random random) {
        return BigDecimal.valueOf(9500 + random.nextInt(1000), 4);
    }

    private static ObjectNode usageRow(Resource r, Instant start, Instant end, BigDecimal cost) {
        BigDecimal rounded = cost.setScale(10, RoundingMode.HALF_EVEN);
        ObjectNode row = JSON.createObjectNode()
                .put("BilledCost", rounded.toPlainString())
                .put("EffectiveCost", rounded.toPlainString())
                .put("ListCost", rounded.toPlainString())
                .put("BillingCurrency", "USD")
                .put("BillingAccountId", "123456789012")
                .put("SubAccountId", "210987654321")
                .put("ChargePeriodStart", start.toString())
                .put("ChargePeriodEnd", end.toString())
                .put("ChargeCategory", "Usage")
                .put("ChargeFrequency", "Usage-Based")
                .put("ProviderName", "AWS")
                .put("ServiceName", r.providerService())
                .put("ServiceCategory", "Compute")
                .put("ResourceId", r.id())
                .put("ResourceName", r.id())
                .put("SkuId", r.sku())
                .put("RegionId", "us-east-1")
                .put("PricingQuantity", "5")
                .put("PricingUnit", "Seconds")
                .put("x_LineItemId", "demo-" + r.id() + "-" + start.toEpochMilli());
        ObjectNode focusTags = row.putObject("Tags");
        focusTags.put("environment", "prod");
        return row;
    }

    private static ObjectNode apmSummary(Traffic t, Instant start, Instant end, Random random) {
        long requests = Math.round(t.requests() * noise(random).doubleValue());
        long errors = Math.round(requests * t.errorRate() * (0.5 + random.nextDouble()));
        double p95 = Math.round(t.p95Ms() * noise(random).doubleValue() * 10) / 10.0;
        ObjectNode apm = apmJson(t.service(), start, end, requests, errors, p95);
        if (t.revenuePerRequest() != null) {
            long conversions = requests / 20;
            apm.put("conversions", conversions);
            apm.put("revenue", t.revenuePerRequest().multiply(BigDecimal.valueOf(requests)).toPlainString());
            apm.put("currency", "USD");
        }
        return apm;
    }

    private static ObjectNode apmJson(String service, Instant start, Instant end, long requests, long errors,
            double p95) {
        ObjectNode apm = JSON.createObjectNode()
                .put("service", service)
                .put("operation", "all")
                .put("windowStart", start.toString())
                .put("windowEnd", end.toString())
                .put("requests", requests)
                .put("errors", errors);
        apm.putObject("latencyMs").put("p50", Math.round(p95 * 4) / 10.0).put("p95", p95).put("p99", p95 * 2);
        return apm;
    }

    /**
     * Checkout's conversion rate at a p95: 5% at its usual 120 ms, one percentage point less per +100 ms (the truth
     * {@code spend.value}'s sensitivity should find: 1 point x requests per hour x {@link #REVENUE_PER_CONVERSION}).
     */
    public static double conversionRate(double p95Ms) {
        return Math.max(0, 0.05 - 0.01 * (p95Ms - 120) / 100);
    }

    /**
     * Settings the demo runs with: checkout's SLO (250 ms, 99% of requests), for the value figures; and the new-spend
     * rule's estate warm-up as long as all of {@code plan}'s history. The payments team's day of history starts a day
     * before the other services' hour: without it those services are born an hour before live traffic in an estate
     * watched for a day, which the rule rightly tells as new spend (four tickets at every start of the demo).
     */
    public static Map<String, String> settings(DemoTraffic.Plan plan) {
        Duration allHistory = plan.valueHistory().plus(plan.history());
        return Map.of("spendstream.value.slo.latency-ms." + FUNNEL_SERVICE, "250",
                "spendstream.value.slo.success." + FUNNEL_SERVICE, "0.99",
                "spendstream.anomaly.new-spend.estate-warmup", allHistory.toMinutes() + "m");
    }

    /**
     * One usage row per minute and resource, and one APM summary per minute and service, of the payments team
     * ({@code checkout}, {@code payments-api}) from {@code from} to {@code to} (whole minutes): what
     * {@code spend.value} needs hours of to tell anything. Traffic follows a daily curve (x0.7 to x1.3 of the
     * 5-second traffic's rate, back to x1 at {@code to}, so the 5-second history continues it), checkout's
     * database cost grows with its requests, checkout's p95 wanders from about 65 to 175 ms minute to minute (its
     * hours stay within 15 ms of 120) and its conversions follow {@link #conversionRate}; in the hour starting
     * {@code regressionHour} its p95 is {@value #REGRESSION_MS} ms higher. About 10,000 records for a day.
     */
    public List<ProducerRecord<String, String>> valueHistory(SpendstreamTopics topics, Instant from, Instant to,
            Instant regressionHour) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        long perMinute = Duration.ofMinutes(1).toMillis() / INTERVAL.toMillis();
        for (Instant t = from; t.isBefore(to); t = t.plus(Duration.ofMinutes(1))) {
            Random random = new Random(seed ^ t.toEpochMilli() ^ 0x5ca1ab1eL);
            Instant end = t.plus(Duration.ofMinutes(1));
            double dayPhase = 2 * Math.PI * Duration.between(t, to).toMinutes() / (24 * 60.0);
            double load = 1 + 0.3 * Math.sin(dayPhase);
            for (Resource r : RESOURCES) {
                if (!VALUE_TEAM.equals(r.team())) {
                    continue;
                }
                BigDecimal cost = r.costPerInterval().multiply(BigDecimal.valueOf(perMinute)).multiply(noise(random));
                if (r.id().equals("db-checkout")) {
                    cost = cost.multiply(BigDecimal.valueOf(Math.round(load * 1000), 3));
                }
                records.add(new ProducerRecord<>(topics.usageRaw.name(), r.id(),
                        usageRow(r, t, end, cost).put("PricingQuantity", "60")
                                .put("x_LineItemId", "demo-minute-" + r.id() + "-" + t.toEpochMilli()).toString()));
            }
            for (Traffic traffic : TRAFFIC) {
                if (!traffic.service().equals(FUNNEL_SERVICE) && !traffic.service().equals("payments-api")) {
                    continue;
                }
                long requests = Math.round(traffic.requests() * perMinute * load * noise(random).doubleValue());
                long errors = Math.round(requests * traffic.errorRate() * (0.5 + random.nextDouble()));
                double p95 = traffic.p95Ms() * noise(random).doubleValue();
                if (traffic.service().equals(FUNNEL_SERVICE)) {
                    p95 = traffic.p95Ms() + 15 * Math.sin(3 * dayPhase) + 40 * (2 * random.nextDouble() - 1)
                            + (t.isBefore(regressionHour) || !t.isBefore(regressionHour.plus(Duration.ofHours(1)))
                                    ? 0 : REGRESSION_MS);
                }
                p95 = Math.round(p95 * 10) / 10.0;
                ObjectNode apm = apmJson(traffic.service(), t, end, requests, errors, p95);
                if (traffic.service().equals(FUNNEL_SERVICE)) {
                    double rate = conversionRate(p95);
                    long conversions = Math.max(0, Math.round(requests * rate
                            + Math.sqrt(requests * rate * (1 - rate)) * random.nextGaussian()));
                    apm.put("conversions", conversions);
                    apm.put("revenue", REVENUE_PER_CONVERSION.multiply(BigDecimal.valueOf(conversions))
                            .toPlainString());
                    apm.put("currency", "USD");
                }
                records.add(new ProducerRecord<>(topics.apmRaw.name(), traffic.service(), apm.toString()));
            }
        }
        return records;
    }
}
