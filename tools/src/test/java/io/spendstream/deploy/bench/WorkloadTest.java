package io.spendstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;
import io.spendstream.schemas.registry.InMemorySchemaRegistry;

class WorkloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldStampTheBudgetsBeforeTheFirstCostRow() {
        Instant start = Instant.parse("2026-11-24T00:00:00Z");
        Workload workload = new Workload(60, 25, 7, start);
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(), new InMemorySchemaRegistry());

        List<ProducerRecord<String, String>> budgets = workload.budgets(topics);

        // Three teams and every tenth of 25 services.
        assertThat(budgets).extracting(ProducerRecord::key).containsExactly("team:team-000", "team:team-001",
                "team:team-002", "service:" + Workload.service(0), "service:" + Workload.service(10),
                "service:" + Workload.service(20));
        assertThat(budgets).allSatisfy(budget -> assertThat(budget.timestamp())
                .isEqualTo(start.minusSeconds(86_400).toEpochMilli()));
    }

    @Test
    void shouldStampTheTagsBeforeTheFirstCostRow() {
        Instant start = Instant.parse("2026-11-24T00:00:00Z");
        Workload workload = new Workload(60, 25, 7, start);
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(), new InMemorySchemaRegistry());

        List<ProducerRecord<String, String>> tags = workload.tags(topics);

        // Every resource but each twentieth.
        assertThat(tags).hasSize(57);
        assertThat(tags).allSatisfy(tag -> assertThat(tag.timestamp())
                .isEqualTo(start.minusSeconds(86_400).toEpochMilli()));
    }

    @Test
    void shouldRepeatTheEstatesMinutesFastWithTheirOwnTimesAndLineItems() throws Exception {
        Workload workload = new Workload(60, 7, 7, Instant.parse("2026-11-24T00:00:00Z"));
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(), new InMemorySchemaRegistry());

        // The template minutes themselves come back exactly as the JSON is built.
        for (int m = 0; m < Workload.TEMPLATE_MINUTES; m++) {
            assertThat(workload.repeatedInterval(topics, m)).usingRecursiveFieldByFieldElementComparator()
                    .isEqualTo(workload.interval(topics, m));
        }
        // A later minute: the values of its template minute, its own charge period, window and line items.
        long minute = 10 * Workload.TEMPLATE_MINUTES + 2;
        List<ProducerRecord<String, String>> repeated = workload.repeatedInterval(topics, minute);
        List<ProducerRecord<String, String>> template = workload.interval(topics, 2);
        List<ProducerRecord<String, String>> built = workload.interval(topics, minute);
        assertThat(repeated).hasSize(workload.recordsPerInterval());
        for (int i = 0; i < repeated.size(); i++) {
            JsonNode row = JSON.readTree(repeated.get(i).value());
            JsonNode same = JSON.readTree(template.get(i).value());
            JsonNode own = JSON.readTree(built.get(i).value());
            assertThat(repeated.get(i).topic()).isEqualTo(built.get(i).topic());
            assertThat(repeated.get(i).key()).isEqualTo(built.get(i).key());
            for (String time : List.of("ChargePeriodStart", "ChargePeriodEnd", "x_LineItemId", "windowStart",
                    "windowEnd")) {
                assertThat(row.get(time)).as("%s of %s", time, row).isEqualTo(own.get(time));
            }
            for (String value : List.of("PricingQuantity", "EffectiveCost", "requests", "revenue", "SkuId")) {
                assertThat(row.get(value)).as("%s of %s", value, row).isEqualTo(same.get(value));
            }
        }
        assertThat(JSON.readTree(repeated.get(0).value()).get("x_LineItemId").asText()).isEqualTo("bench-0-" + minute);
    }

    @Test
    void shouldKeepEveryRowOfAnAlertServiceInOnePartitionThroughIngestsChargeIdentityTopics() throws Exception {
        Workload workload = new Workload(100, 10, 7, Instant.parse("2026-11-24T00:00:00Z"));
        // Where the apps' own serde would put the key: the same registry id for a string key on every subject.
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(), new InMemorySchemaRegistry());
        int partitions = 4;

        List<ProducerRecord<String, String>> history = workload.alertHistory(topics, 3, partitions);

        assertThat(history).hasSize(3 * Workload.ALERT_HISTORY_MINUTES);
        assertThat(history).extracting(ProducerRecord::value).doesNotHaveDuplicates();
        for (ProducerRecord<String, String> row : history) {
            JsonNode json = JSON.readTree(row.value());
            int service = Integer.parseInt(json.get("Tags").get("service").asText()
                    .substring(Workload.ALERT_SERVICE_PREFIX.length()));
            assertPartitions(topics, json.get("x_LineItemId").asText(), service % partitions, partitions);
        }
        JsonNode spike = JSON.readTree(workload.alertSpike(topics, 2, partitions).value());
        assertThat(spike.get("x_LineItemId").asText()).startsWith("alert-spike-2");
        assertPartitions(topics, spike.get("x_LineItemId").asText(), 2, partitions);
    }

    /** As ingest's producers place the charge identity: a plain string (repartition), Confluent Avro (spend.cost). */
    private static void assertPartitions(SpendstreamTopics topics, String chargeId, int partition, int partitions) {
        byte[] plain = new StringSerializer().serialize("t", chargeId);
        byte[] avro = topics.cost.keySerde().serializer().serialize(topics.cost.name(), chargeId);
        assertThat(BuiltInPartitioner.partitionForKey(plain, partitions)).as(chargeId).isEqualTo(partition);
        assertThat(BuiltInPartitioner.partitionForKey(avro, partitions)).as(chargeId).isEqualTo(partition);
    }
}
