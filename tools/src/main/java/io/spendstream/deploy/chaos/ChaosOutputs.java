package io.spendstream.deploy.chaos;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The money outputs of the pipeline as a read_committed consumer sees them: every record of {@code spend.cost} and
 * {@code spend.cost.attributed} (summed and counted: a lost or doubled row shows), and the latest record per key and
 * window of unit cost (per service, minute and hour), showback (per team and per product, hour) and burn rate (per
 * budget scope: consumed). Not thread-safe: one thread polls and reads.
 */
final class ChaosOutputs implements AutoCloseable {

    /** One money output: what it sums to now, and how many records (rows) or keys (latest-per-key outputs) make it. */
    record Figure(String output, BigDecimal total, long count) {
    }

    private final SpendstreamTopics topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private BigDecimal cost = BigDecimal.ZERO;
    private long costRecords;
    private BigDecimal attributed = BigDecimal.ZERO;
    private long attributedRecords;
    private final Map<String, BigDecimal> unitCostMinute = new HashMap<>();
    private final Map<String, BigDecimal> unitCostHour = new HashMap<>();
    private final Map<String, BigDecimal> teamHour = new HashMap<>();
    private final Map<String, BigDecimal> productHour = new HashMap<>();
    private final Map<String, BigDecimal> consumed = new HashMap<>();
    private long deadLetters;

    ChaosOutputs(String bootstrapServers, SpendstreamTopics topics) {
        this.topics = topics;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topics.cost.name(), topics.costAttributed.name(), topics.unitCost.name(),
                topics.allocation.name(), topics.burnRate.name(), topics.dlq.name()));
    }

    /** Reads what arrived (at most {@code timeout} waiting). */
    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            String topic = r.topic();
            if (topic.equals(topics.cost.name())) {
                cost = cost.add(topics.cost.value(r).getEffectiveCost());
                costRecords++;
            } else if (topic.equals(topics.costAttributed.name())) {
                attributed = attributed.add(topics.costAttributed.value(r).getCost().getEffectiveCost());
                attributedRecords++;
            } else if (topic.equals(topics.unitCost.name())) {
                UnitCost u = topics.unitCost.value(r);
                Map<String, BigDecimal> windows = switch (u.getWindowSize()) {
                    case "PT1M" -> unitCostMinute;
                    case "PT1H" -> unitCostHour;
                    default -> null;
                };
                if (windows != null) {
                    windows.put(u.getService() + "@" + u.getWindowStart(), u.getCost());
                }
            } else if (topic.equals(topics.allocation.name())) {
                Allocation a = topics.allocation.value(r);
                if (a.getWindowSize().equals("PT1H")) {
                    if (a.getDimension().equals("team")) {
                        teamHour.put(a.getTeam() + "@" + a.getWindowStart(), a.getTotal());
                    } else {
                        productHour.put(a.getProduct() + "@" + a.getWindowStart(), a.getTotal());
                    }
                }
            } else if (topic.equals(topics.burnRate.name())) {
                BurnRate b = topics.burnRate.value(r);
                if (b != null) {
                    consumed.put(b.getScope() + "@" + b.getPeriodStart(), b.getConsumed());
                }
            } else {
                deadLetters++;
            }
        }
    }

    /** Every money output now, in the order the report prints them. */
    List<Figure> figures() {
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("spend.cost (every record)", cost, costRecords));
        figures.add(new Figure("spend.cost.attributed (every record)", attributed, attributedRecords));
        Map<String, Map<String, BigDecimal>> latest = new LinkedHashMap<>();
        latest.put("unit cost per service per minute", unitCostMinute);
        latest.put("unit cost per service per hour", unitCostHour);
        latest.put("allocation per team per hour", teamHour);
        latest.put("allocation per product per hour", productHour);
        latest.put("burn-rate consumed per team budget", consumed);
        latest.forEach((name, values) -> figures.add(new Figure(name,
                values.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add), values.size())));
        return figures;
    }

    /** True when every output sums to {@code total} and both record-by-record outputs hold {@code rows} records. */
    boolean allEqual(BigDecimal total, int rows) {
        return costRecords == rows && attributedRecords == rows
                && figures().stream().allMatch(f -> f.total().compareTo(total) == 0);
    }

    long deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
