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
