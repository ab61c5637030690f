package io.spendstream.deploy.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.schemas.SpendstreamTopics;

/**
 * The benchmark's synthetic estate, as the JSON the ingest app accepts: {@code resources} resources spread over
 * {@code services} services of {@code services / 10} teams, priced by {@value #SKUS} SKUs (a few in EUR, so FX
 * conversion runs), each resource sending one FOCUS row per one-minute interval (metered rows priced from
 * {@code spend.prices}, and every tenth resource a billed row with its own EffectiveCost), one APM summary per
 * service per minute, tags for 95% of the resources (the rest fall back to the row's own FOCUS tags), and budgets
 * per team and for every tenth service.
 *
 * <p>Two kinds of dedicated services let the latency phase match an input to its effect: {@linkplain #probeRow
 * unit-cost probes} ({@code bench-probe-N}, one new service per probe, so its first {@code spend.unit-cost} record is
 * that probe's effect) and {@linkplain #alertHistory alert services} ({@code bench-alert-N}), each with
 * {@value #ALERT_HISTORY_MINUTES} minutes of steady history in the pre-load, so their detectors are warm, and one
 * tenfold {@linkplain #alertSpike spike} each during the latency phase.
 *
 * <p>Pure: the records depend only on the settings, the seed and the minute, so repeats see the same workload.
 */
public final class Workload {

    public static final int SKUS = 40;
    public static final int ALERT_HISTORY_MINUTES = 40;
    public static final String PROBE_SERVICE_PREFIX = "bench-probe-";
    public static final String ALERT_SERVICE_PREFIX = "bench-alert-";
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Steady cost per minute of an alert service; a spike is ten times that, well above the paging threshold. */
    private static final BigDecimal ALERT_STEADY_COST = new BigDecimal("2.00");
    private static final BigDecimal ALERT_SPIKE_COST = new BigDecimal("20.00");
    private static final String[] UNITS = {"Hours", "Requests", "GB-Hours", "GB"};

    /** Distinct minutes of traffic that {@link #repeatedInterval} cycles through. */
    static final int TEMPLATE_MINUTES = 5;
    private static final String START_HOLE = "\u0000start";
    private static final String END_HOLE = "\u0000end";
    private static final String MINUTE_HOLE = "\u0000minute";

    private final int resources;
    private final int services;
    private final long seed;
    private final Instant start;
    /** {@link #TEMPLATE_MINUTES} minutes of traffic with holes for the minute, rendered once when first needed. */
    private List<List<String>> templates;

    /**
     * @param start the first minute of the pre-load (event time); live traffic continues after the pre-load
     */
    public Workload(int resources, int services, long seed, Instant start) {
        if (resources < 1 || services < 1) {
            throw new IllegalArgumentException("The workload needs at least one resource and one service");
        }
        this.resources = resources;
        this.services = services;
        this.seed = seed;
        this.start = start;
    }

    public int resources() {
        return resources;
    }

    public int services() {
        return services;
    }

    /** Event time of minute {@code minute} of the workload. */
    public Instant minute(long minute) {
        return start.plus(INTERVAL.multipliedBy(minute));
    }

    /** Records per one-minute interval of regular traffic: one row per resource, one APM summary per service. */
    public int recordsPerInterval() {
        return resources + services;
    }

    static String service(int index) {
        return String.format("svc-%04d", index);
    }

    static String team(int serviceIndex) {
        return String.format("team-%03d", serviceIndex / 10);
    }

    static String resourceId(int index) {
        return String.format("res-%06d", index);
    }

    static String skuPriceId(int sku) {
        return String.format("sku-price-%02d", sku);
    }

    private int serviceOf(int resource) {
        return resource % services;
    }

    private int skuOf(int resource) {
        return resource % SKUS;
    }

    /** Prices of every SKU: every fifth priced in EUR. */
    public List<ProducerRecord<String, String>> prices(SpendstreamTopics topics) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int sku = 0; sku < SKUS; sku++) {
            ObjectNode price = JSON.createObjectNode()
                    .put("unitPrice", BigDecimal.valueOf(100 + sku * 37L, 5).toPlainString())
                    .put("currency", sku % 5 == 0 ? "EUR" : "USD")
                    .put("pricingUnit", UNITS[sku % UNITS.length]);
            records.add(new ProducerRecord<>(topics.prices.name(), skuPriceId(sku), price.toString()));
        }
        return records;
    }

    public List<ProducerRecord<String, String>> fxRates(SpendstreamTopics topics) {
        return List.of(
                new ProducerRecord<>(topics.fxRates.name(), "EUR", "{\"rate\":\"1.0842\"}"),
                new ProducerRecord<>(topics.fxRates.name(), "GBP", "{\"rate\":\"1.2675\"}"));
    }

    /**
     * Tags for 19 resources in 20, valid from a day before the workload starts, and stamped then, as the budgets are:
     * stamped with the wall clock, they sorted hours after the cost rows in enrich's task, which merges its inputs by
     * timestamp, so most rows were enriched before their tags arrived and went out unallocated, as many as the run's
     * timing made it (attribution's input was 48-96% unallocated in five runs, docs/performance.md).
     */
    public List<ProducerRecord<String, String>> tags(SpendstreamTopics topics) {
        long setAt = start.minus(Duration.ofDays(1)).toEpochMilli();
        String validFrom = start.minus(Duration.ofDays(1)).toString();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int r = 0; r < resources; r++) {
            if (r % 20 == 19) {
                continue;
            }
            int s = serviceOf(r);
            ObjectNode tag = JSON.createObjectNode()
                    .put("service", service(s)).put("team", team(s)).put("product", "product-" + s % 7)
                    .put("environment", r % 3 == 0 ? "staging" : "prod").put("costCenter", "CC-" + s % 50)
                    .put("validFrom", validFrom);
            records.add(new ProducerRecord<>(topics.tags.name(), null, setAt, resourceId(r), tag.toString()));
        }
        return records;
    }

    /**
     * A monthly budget per team and for every tenth service, stamped a day before the workload starts: set before the
     * costs, as a deployment's are. Stamped with the wall clock (as until 2026-12-07), they sorted hours after the
     * cost rows in attribution's task, which merges its inputs by timestamp, so whether they took effect while a
     * phase was measured (and the burn-rate work with them) changed from run to run: attribution alone measured 38-40
     * us per record in some runs and 92-96 us in others, of the same code (docs/performance.md).
     */
    public List<ProducerRecord<String, String>> budgets(SpendstreamTopics topics) {
        long setAt = start.minus(Duration.ofDays(1)).toEpochMilli();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int t = 0; t <= (services - 1) / 10; t++) {
            records.add(new ProducerRecord<>(topics.budgets.name(), null, setAt,
                    "team:" + String.format("team-%03d", t), budget("250000.00")));
        }
        for (int s = 0; s < services; s += 10) {
            records.add(new ProducerRecord<>(topics.budgets.name(), null, setAt, "service:" + service(s),
                    budget("40000.00")));
        }
        return records;
    }

    private static String budget(String amount) {
        return "{\"amount\":\"" + amount + "\",\"currency\":\"USD\",\"period\":\"MONTH\",\"alertAt\":[0.5,0.75,0.9,1.0]}";
    }

    /** Regular traffic of one minute: one FOCUS row per resource and one APM summary per service. */
    public List<ProducerRecord<String, String>> interval(SpendstreamTopics topics, long minute) {
        List<ProducerRecord<String, String>> records = new ArrayList<>(recordsPerInterval());
        for (int r = 0; r < resources; r++) {
            records.add(usage(topics, minute, r));
        }
        for (int s = 0; s < services; s++) {
            records.add(apm(topics, minute, s));
        }
        return records;
    }

    /**
     * The same traffic as {@link #interval} but fast (no JSON built: a minute's rows are filled into one rendered
     * earlier), for topping up a phase's input while its app runs: minute {@code minute} repeats the costs,
     * quantities and requests of minute {@code minute % }{@value #TEMPLATE_MINUTES}, with its own charge period,
     * APM window and line-item ids (ingest would drop a repeated charge as a duplicate). Building the JSON costs
     * about as much CPU as the pass-through spends on a record, so a generator that builds it cannot keep ahead of
     * the pass-through it feeds on two cores.
     */
    public synchronized List<ProducerRecord<String, String>> repeatedInterval(SpendstreamTopics topics, long minute) {
        if (templates == null) {
            templates = new ArrayList<>();
            for (int t = 0; t < TEMPLATE_MINUTES; t++) {
                List<String> template = new ArrayList<>(recordsPerInterval());
                for (ProducerRecord<String, String> record : interval(topics, t)) {
                    template.add(withHoles(record.value(), t));
                }
                templates.add(template);
            }
        }
        String from = "\"" + minute(minute) + "\"";
        String to = "\"" + minute(minute + 1) + "\"";
        String lineItemEnd = "-" + minute + "\"";
        List<String> template = templates.get((int) (minute % TEMPLATE_MINUTES));
        List<ProducerRecord<String, String>> records = new ArrayList<>(template.size());
        for (int i = 0; i < template.size(); i++) {
            String value = template.get(i).replace(START_HOLE, from).replace(END_HOLE, to)
                    .replace(MINUTE_HOLE, lineItemEnd);
            records.add(i < resources ? new ProducerRecord<>(topics.usageRaw.name(), resourceId(i), value)
                    : new ProducerRecord<>(topics.apmRaw.name(), service(i - resources), value));
        }
        return records;
    }

    /** A record of minute {@code t} with holes where its charge period or APM window and its line-item id's minute are. */
    private String withHoles(String value, int t) {
        String holed = value.replace("\"" + minute(t + 1) + "\"", END_HOLE)
                .replace("\"" + minute(t) + "\"", START_HOLE);
        // Line items are "bench-<resource>-<minute>"; APM summaries have none.
        String field = "\"x_LineItemId\":\"";
        int at = holed.indexOf(field);
        if (at < 0) {
            return holed;
        }
        int end = holed.indexOf('"', at + field.length());
        String suffix = "-" + t + "\"";
        if (!holed.startsWith(suffix, end + 1 - suffix.length())) {
            throw new IllegalStateException("Line item id without its minute: " + value);
        }
        return holed.substring(0, end + 1 - suffix.length()) + MINUTE_HOLE + holed.substring(end + 1);
    }

    /** The {@code index}-th record of minute {@code minute}, in the order of {@link #interval}. */
    public ProducerRecord<String, String> record(SpendstreamTopics topics, long minute, int index) {
        return index < resources ? usage(topics, minute, index) : apm(topics, minute, index - resources);
    }

    private ProducerRecord<String, String> usage(SpendstreamTopics topics, long minute, int r) {
        Random random = new Random(seed * 31 + minute * 1_000_003L + r);
        Instant from = minute(minute);
        ObjectNode row = focusRow(resourceId(r), from, "bench-" + r + "-" + minute);
        int sku = skuOf(r);
        if (r % 10 == 9) {
            BigDecimal cost = BigDecimal.valueOf(1000 + random.nextInt(9000), 6);
            row.put("EffectiveCost", cost.toPlainString()).put("BilledCost", cost.toPlainString())
                    .put("ListCost", cost.toPlainString())
                    .put("BillingCurrency", r % 30 == 29 ? "GBP" : "USD");
        } else {
            row.put("BillingCurrency", "USD");
        }
        row.put("SkuId", "sku-" + sku).put("SkuPriceId", skuPriceId(sku))
                .put("PricingQuantity", BigDecimal.valueOf(50 + random.nextInt(950), 2).toPlainString())
                .put("PricingUnit", UNITS[sku % UNITS.length])
                .put("ServiceName", sku % 2 == 0 ? "Amazon Elastic Compute Cloud" : "Amazon Simple Storage Service");
        if (r % 20 == 19) {
            // Untagged resources: half carry their owner in the row's own FOCUS Tags, half stay unallocated.
            ObjectNode focusTags = row.putObject("Tags");
            if (r % 40 == 39) {
                focusTags.put("service", service(serviceOf(r)));
            }
        }
        return new ProducerRecord<>(topics.usageRaw.name(), resourceId(r), row.toString());
    }

    private ProducerRecord<String, String> apm(SpendstreamTopics topics, long minute, int s) {
        Random random = new Random(seed * 17 + minute * 7_919L + s);
        Instant from = minute(minute);
        long requests = 500 + random.nextInt(5000);
        ObjectNode apm = JSON.createObjectNode()
                .put("service", service(s)).put("operation", "all")
                .put("windowStart", from.toString()).put("windowEnd", from.plus(INTERVAL).toString())
                .put("requests", requests).put("errors", requests / 200);
        apm.putObject("latencyMs").put("p50", 20.0 + s % 30).put("p95", 80.0 + s % 50).put("p99", 200.0 + s % 90);
        if (s % 25 == 0) {
            apm.put("conversions", requests / 40).put("revenue", BigDecimal.valueOf(requests * 3, 1).toPlainString())
                    .put("currency", "USD");
        }
        return new ProducerRecord<>(topics.apmRaw.name(), service(s), apm.toString());
    }

    /**
     * The steady history of the alert services: one billed row per service per minute for
     * {@value #ALERT_HISTORY_MINUTES} minutes from the start, 5% noise, owner in the row's FOCUS tags.
     *
     * <p>Each service's rows carry line-item ids that all fall in one partition (see {@link #lineItemIn}): ingest
     * moves rows by charge identity (the line-item id), to its repartition topic and then to {@code spend.cost}, and
     * 40 minutes of one service spread over several partitions reach the detector in whatever order the tasks
     * interleave. A live service's minutes arrive one at a time, in order; a pre-loaded burst does not, and the
     * detector, which settles windows 10 minutes behind the newest it has seen, skips most of a reordered history as
     * late and never warms up (the latency phase then saw no alert, or half of them).
     */
    public List<ProducerRecord<String, String>> alertHistory(SpendstreamTopics topics, int alertServices,
            int partitions) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int m = 0; m < ALERT_HISTORY_MINUTES; m++) {
            for (int a = 0; a < alertServices; a++) {
                Random random = new Random(seed * 13 + m * 101L + a);
                BigDecimal noise = BigDecimal.valueOf(9500 + random.nextInt(1000), 4);
                records.add(ownedRow(topics, ALERT_SERVICE_PREFIX + a, minute(m), ALERT_STEADY_COST.multiply(noise),
                        lineItemIn(topics, "alert-" + a + "-" + m, a % partitions, partitions)));
            }
        }
        return records;
    }

    /** Ten times the steady cost in the minute right after the alert service's history: pages at once. */
    public ProducerRecord<String, String> alertSpike(SpendstreamTopics topics, int alertService, int partitions) {
        return ownedRow(topics, ALERT_SERVICE_PREFIX + alertService, minute(ALERT_HISTORY_MINUTES), ALERT_SPIKE_COST,
                lineItemIn(topics, "alert-spike-" + alertService, alertService % partitions, partitions));
    }

    /**
     * {@code base}, or {@code base} with the first suffix {@code -1}, {@code -2}, ... that makes it a key of
     * {@code partition} both where ingest writes it as a plain string (its charge-identity repartition topic) and as
     * {@code spend.cost}'s key (Confluent Avro: the bytes differ, and so does the partition). Kafka's default
     * partitioner places both.
     */
    static String lineItemIn(SpendstreamTopics topics, String base, int partition, int partitions) {
        Serializer<String> costKeys = topics.cost.keySerde().serializer();
        Serializer<String> plain = new StringSerializer();
        String topic = topics.cost.name();
        String candidate = base;
        for (int n = 1; !fallsIn(plain, topic, candidate, partition, partitions)
                || !fallsIn(costKeys, topic, candidate, partition, partitions); n++) {
            candidate = base + "-" + n;
        }
        return candidate;
    }

    private static boolean fallsIn(Serializer<String> keys, String topic, String key, int partition, int partitions) {
        return BuiltInPartitioner.partitionForKey(keys.serialize(topic, key), partitions) == partition;
    }

    /** A row for a service never seen before ({@code bench-probe-<probe>}) in minute {@code minute}. */
    public ProducerRecord<String, String> probeRow(SpendstreamTopics topics, long probe, long minute) {
        return ownedRow(topics, PROBE_SERVICE_PREFIX + probe, minute(minute), new BigDecimal("0.01"),
                "probe-" + probe);
    }

    private ProducerRecord<String, String> ownedRow(SpendstreamTopics topics, String service, Instant from,
            BigDecimal cost, String lineItem) {
        String amount = cost.setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
        ObjectNode row = focusRow("res-" + service, from, lineItem)
                .put("EffectiveCost", amount).put("BilledCost", amount).put("BillingCurrency", "USD")
                .put("ServiceName", "Amazon Elastic Compute Cloud");
        row.putObject("Tags").put("service", service).put("team", "bench");
        return new ProducerRecord<>(topics.usageRaw.name(), "res-" + service, row.toString());
    }

    private static ObjectNode focusRow(String resource, Instant from, String lineItem) {
        return JSON.createObjectNode()
                .put("ChargePeriodStart", from.toString())
                .put("ChargePeriodEnd", from.plus(INTERVAL).toString())
                .put("ChargeCategory", "Usage")
                .put("ChargeFrequency", "Usage-Based")
                .put("ProviderName", "AWS")
                .put("BillingAccountId", "123456789012")
                .put("SubAccountId", "210987654321")
                .put("RegionId", "us-east-1")
                .put("ResourceId", resource)
                .put("ResourceName", resource)
                .put("x_LineItemId", lineItem);
    }
}
