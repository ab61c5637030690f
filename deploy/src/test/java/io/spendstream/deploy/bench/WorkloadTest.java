package io.spendstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.schemas.SpendstreamTopics;
import io.spendstream.schemas.TopicNames;

class WorkloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldPutEveryRowOfAnAlertServiceInOnePartitionOfTheChargeIdentityRepartition() throws Exception {
        Workload workload = new Workload(100, 10, 7, Instant.parse("2026-11-24T00:00:00Z"));
        SpendstreamTopics topics = new SpendstreamTopics(TopicNames.defaults(), null);
        int partitions = 4;

        List<ProducerRecord<String, String>> history = workload.alertHistory(topics, 3, partitions);

        assertThat(history).hasSize(3 * Workload.ALERT_HISTORY_MINUTES);
        for (ProducerRecord<String, String> row : history) {
            JsonNode json = JSON.readTree(row.value());
            int service = Integer.parseInt(json.get("Tags").get("service").asText()
                    .substring(Workload.ALERT_SERVICE_PREFIX.length()));
            // As the producer of the repartition topic places its String key: Kafka's built-in partitioner.
            assertThat(partition(json.get("x_LineItemId").asText(), partitions)).as(row.value())
                    .isEqualTo(service % partitions);
        }
        assertThat(history).extracting(r -> r.value()).doesNotHaveDuplicates();
        JsonNode spike = JSON.readTree(workload.alertSpike(topics, 2, partitions).value());
        assertThat(partition(spike.get("x_LineItemId").asText(), partitions)).isEqualTo(2);
        assertThat(spike.get("x_LineItemId").asText()).startsWith("alert-spike-2");
    }

    private static int partition(String key, int partitions) {
        byte[] bytes = new StringSerializer().serialize("t", key);
        return org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(bytes, partitions);
    }
}
