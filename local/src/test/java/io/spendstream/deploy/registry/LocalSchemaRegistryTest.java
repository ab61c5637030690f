package io.spendstream.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.spendstream.avro.CostRecord;
import io.spendstream.avro.ResourceTags;
import io.spendstream.schemas.Money;
import io.spendstream.schemas.registry.CachingSchemaRegistryClient;
import io.spendstream.schemas.registry.HttpSchemaRegistryClient;
import io.spendstream.schemas.registry.RegisteredSchema;
import io.spendstream.schemas.registry.SchemaRegistryException;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/** The registry against a real broker, through Spendstream's own client and serde and through raw HTTP. */
class LocalSchemaRegistryTest {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String V1 = "{\"type\":\"record\",\"name\":\"Tagged\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    private static final String V2_WITH_DEFAULT = "{\"type\":\"record\",\"name\":\"Tagged\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"team\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    private static final String V2_REQUIRED = "{\"type\":\"record\",\"name\":\"Tagged\",\"namespace\":\"test\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"team\",\"type\":\"string\"}]}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<LocalSchemaRegistry> started = new ArrayList<>();
    private String storageTopic;
    private LocalSchemaRegistry registry;

    @BeforeEach
    void startRegistry(TestInfo test) {
        storageTopic = "_schemas_" + test.getTestMethod().orElseThrow().getName();
        registry = start();
    }

    @AfterEach
    void stopRegistries() {
        started.forEach(LocalSchemaRegistry::close);
    }

    @Test
    void shouldServeTheProjectsOwnClientAndSerde() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url(), null, Duration.ofSeconds(10));

        int id = client.register("spend.cost-value", CostRecord.getClassSchema());

        assertThat(client.register("spend.cost-value", CostRecord.getClassSchema())).isEqualTo(id);
        assertThat(client.getById(id)).isEqualTo(CostRecord.getClassSchema());
        assertThat(client.latest("spend.cost-value"))
                .isEqualTo(new RegisteredSchema("spend.cost-value", 1, id, CostRecord.getClassSchema()));
        assertThatThrownBy(() -> client.latest("spend.nothing-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401))
                .hasMessageContaining("Subject 'spend.nothing-value' not found.");

        ConfluentAvroSerde<CostRecord> writer = ConfluentAvroSerde.forRecord(CostRecord.class,
                new CachingSchemaRegistryClient(client), false);
        ConfluentAvroSerde<CostRecord> reader = ConfluentAvroSerde.forRecord(CostRecord.class,
                new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(registry.url(), null,
                        Duration.ofSeconds(10))), false);
        CostRecord cost = CostRecord.newBuilder()
                .setChargeId("charge-1")
                .setChargePeriodStart(Instant.parse("2026-11-23T10:00:00Z"))
                .setChargePeriodEnd(Instant.parse("2026-11-23T11:00:00Z"))
                .setEffectiveCost(Money.of("0.0000004"))
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of("0.0000004"))
                .setOriginalCurrency("USD")
                .build();
        byte[] bytes = writer.serializer().serialize("spend.cost", cost);
        assertThat(java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(reader.deserializer().deserialize("spend.cost", bytes)).isEqualTo(cost);
    }

    @Test
    void shouldAnswerTheConfluentRestApi() throws IOException, InterruptedException {
        Response registered = call("POST", "/subjects/tagged-value/versions", schemaBody(V1));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).isEqualTo(CONTENT_TYPE);
        int id = registered.json().path("id").asInt();
        assertThat(registered.json().size()).isEqualTo(1);
        assertThat(call("POST", "/subjects/tagged-value/versions", schemaBody(V1)).json().path("id").asInt())
                .as("registering again is idempotent").isEqualTo(id);

        JsonNode found = call("POST", "/subjects/tagged-value", schemaBody(V1)).json();
        assertThat(found.path("subject").asText()).isEqualTo("tagged-value");
        assertThat(found.path("version").asInt()).isEqualTo(1);
        assertThat(found.path("id").asInt()).isEqualTo(id);
        assertThat(new Schema.Parser().parse(found.path("schema").asText())).isEqualTo(parse(V1));

        JsonNode byId = call("GET", "/schemas/ids/" + id, null).json();
        assertThat(byId.fieldNames()).toIterable().containsExactly("schema");
        assertThat(new Schema.Parser().parse(byId.path("schema").asText())).isEqualTo(parse(V1));
        assertThat(call("GET", "/schemas/ids/" + id + "/versions", null).json().toString())
                .isEqualTo("[{\"subject\":\"tagged-value\",\"version\":1}]");

        int id2 = call("POST", "/subjects/tagged-value/versions", schemaBody(V2_WITH_DEFAULT)).json().path("id").asInt();
        assertThat(id2).isNotEqualTo(id);
        assertThat(call("GET", "/subjects", null).json().toString()).isEqualTo("[\"tagged-value\"]");
        assertThat(call("GET", "/subjects/tagged-value/versions", null).json().toString()).isEqualTo("[1,2]");
        JsonNode latest = call("GET", "/subjects/tagged-value/versions/latest", null).json();
        assertThat(latest.path("version").asInt()).isEqualTo(2);
        assertThat(latest.path("id").asInt()).isEqualTo(id2);
        assertThat(call("GET", "/subjects/tagged-value/versions/1", null).json().path("id").asInt()).isEqualTo(id);
        assertThat(parse(call("GET", "/subjects/tagged-value/versions/2/schema", null).body()))
                .isEqualTo(parse(V2_WITH_DEFAULT));
        assertThat(call("GET", "/schemas/types", null).json().toString()).isEqualTo("[\"AVRO\"]");
    }

    @Test
    void shouldAnswerConfluentErrors() throws IOException, InterruptedException {
        call("POST", "/subjects/tagged-value/versions", schemaBody(V1));

        assertError(call("GET", "/subjects/missing-value/versions", null), 404, 40401,
                "Subject 'missing-value' not found.");
        assertError(call("POST", "/subjects/missing-value", schemaBody(V1)), 404, 40401,
                "Subject 'missing-value' not found.");
        assertError(call("POST", "/subjects/tagged-value", schemaBody(V2_WITH_DEFAULT)), 404, 40403,
                "Schema not found");
        assertError(call("GET", "/subjects/tagged-value/versions/7", null), 404, 40402, "Version 7 not found.");
        assertError(call("GET", "/subjects/tagged-value/versions/zero", null), 422, 42202, "'zero'");
        assertError(call("GET", "/schemas/ids/999", null), 404, 40403, "Schema 999 not found");
        assertError(call("POST", "/subjects/tagged-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"),
                422, 42201, "Invalid schema");
        assertError(call("POST", "/subjects/json-value/versions",
                "{\"schemaType\":\"JSON\",\"schema\":\"{\\\"type\\\":\\\"object\\\"}\"}"), 422, 42201, "AVRO only");
        assertError(call("POST", "/subjects/tagged-value/versions", "not json"), 400, 400, "not JSON");
        assertError(call("DELETE", "/subjects/tagged-value", null), 405, 405, "Method Not Allowed");
        assertError(call("GET", "/nowhere", null), 404, 404, "Not Found");
        assertThat(call("GET", "/subjects", null).json().toString()).isEqualTo("[\"tagged-value\"]");
    }

    @Test
    void shouldRefuseAnIncompatibleChangeUnderTheConfiguredLevel() throws IOException, InterruptedException {
        assertThat(call("GET", "/config", null).json().path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        call("POST", "/subjects/tagged-value/versions", schemaBody(V1));

        JsonNode check = call("POST", "/compatibility/subjects/tagged-value/versions/latest?verbose=true",
                schemaBody(V2_REQUIRED)).json();
        assertThat(check.path("is_compatible").asBoolean()).isFalse();
        assertThat(check.path("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT");
        assertThat(call("POST", "/compatibility/subjects/tagged-value/versions/latest", schemaBody(V2_WITH_DEFAULT))
                .json().toString()).isEqualTo("{\"is_compatible\":true}");

        assertError(call("POST", "/subjects/tagged-value/versions", schemaBody(V2_REQUIRED)), 409, 409,
                "incompatible with an earlier schema for subject \"tagged-value\"");
        assertThat(call("GET", "/subjects/tagged-value/versions", null).json().toString()).isEqualTo("[1]");

        assertError(call("GET", "/config/tagged-value", null), 404, 40408, "does not have subject-level");
        assertThat(call("GET", "/config/tagged-value?defaultToGlobal=true", null).json().toString())
                .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(call("PUT", "/config/tagged-value", "{\"compatibility\":\"none\"}").json().toString())
                .isEqualTo("{\"compatibility\":\"NONE\"}");
        assertThat(call("GET", "/config/tagged-value", null).json().path("compatibilityLevel").asText())
                .isEqualTo("NONE");
        assertThat(call("POST", "/subjects/tagged-value/versions", schemaBody(V2_REQUIRED)).status()).isEqualTo(200);

        assertThat(call("PUT", "/config", "{\"compatibility\":\"FULL\"}").status()).isEqualTo(200);
        assertThat(call("GET", "/config", null).json().path("compatibilityLevel").asText()).isEqualTo("FULL");
        assertError(call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203, "SIDEWAYS");
        // FULL refuses what FORWARD refuses: dropping a field the previous version requires.
        call("POST", "/subjects/other-value/versions", schemaBody(V2_REQUIRED));
        assertError(call("POST", "/subjects/other-value/versions", schemaBody(V1)), 409, 409, "other-value");
    }

    @Test
    void shouldShareIdsAcrossSubjectsAndNumberVersionsPerSubject() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.url(), null, Duration.ofSeconds(10));

        int tags = client.register("spend.tags-value", ResourceTags.getClassSchema());
        int cost = client.register("spend.cost-value", CostRecord.getClassSchema());
        int sameTags = client.register("spend.tags.copy-value", ResourceTags.getClassSchema());

        assertThat(sameTags).isEqualTo(tags);
        assertThat(cost).isNotEqualTo(tags);
        assertThat(client.latest("spend.tags.copy-value").version()).isEqualTo(1);
    }

    @Test
    void shouldKeepIdsVersionsAndLevelsAcrossARestart() throws IOException, InterruptedException {
        int first = idOf(call("POST", "/subjects/tagged-value/versions", schemaBody(V1)));
        int second = idOf(call("POST", "/subjects/tagged-value/versions", schemaBody(V2_WITH_DEFAULT)));
        int key = idOf(call("POST", "/subjects/tagged-key/versions", schemaBody("{\"type\":\"string\"}")));
        call("PUT", "/config/tagged-key", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        call("PUT", "/config", "{\"compatibility\":\"FORWARD\"}");
        registry.close();
        started.remove(registry);

        registry = start();

        assertThat(call("GET", "/subjects/tagged-value/versions", null).json().toString()).isEqualTo("[1,2]");
        assertThat(call("GET", "/subjects/tagged-value/versions/1", null).json().path("id").asInt()).isEqualTo(first);
        assertThat(call("GET", "/subjects/tagged-value/versions/latest", null).json().path("id").asInt())
                .isEqualTo(second);
        assertThat(parse(call("GET", "/schemas/ids/" + key, null).json().path("schema").asText()))
                .isEqualTo(Schema.create(Schema.Type.STRING));
        assertThat(call("GET", "/config/tagged-key", null).json().path("compatibilityLevel").asText())
                .isEqualTo("FULL_TRANSITIVE");
        assertThat(call("GET", "/config", null).json().path("compatibilityLevel").asText()).isEqualTo("FORWARD");
        assertThat(idOf(call("POST", "/subjects/tagged-value/versions", schemaBody(V1)))).isEqualTo(first);
        int next = idOf(call("POST", "/subjects/new-value/versions", schemaBody("{\"type\":\"long\"}")));
        assertThat(next).as("ids are never handed out twice").isGreaterThan(Math.max(first, Math.max(second, key)));
    }

    @Test
    void shouldStoreEveryFactAsARecordOfACompactedSinglePartitionTopic() throws Exception {
        call("POST", "/subjects/tagged-value/versions", schemaBody(V1));
        call("PUT", "/config/tagged-value", "{\"compatibility\":\"FULL\"}");
        call("PUT", "/config", "{\"compatibility\":\"NONE\"}");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            TopicDescription description = admin.describeTopics(List.of(storageTopic)).allTopicNames().get()
                    .get(storageTopic);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, storageTopic);
            String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            assertThat(description.partitions()).hasSize(1);
            assertThat(policy).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        List<ConsumerRecord<String, String>> records = readAll(storageTopic);
        assertThat(records).extracting(ConsumerRecord::key)
                .containsExactly("schema:tagged-value:1", "config:tagged-value", "config");
        JsonNode schemaRecord = JSON.readTree(records.get(0).value());
        assertThat(schemaRecord.path("subject").asText()).isEqualTo("tagged-value");
        assertThat(schemaRecord.path("version").asInt()).isEqualTo(1);
        assertThat(parse(schemaRecord.path("schema").asText())).isEqualTo(parse(V1));
        assertThat(JSON.readTree(records.get(2).value()).path("compatibilityLevel").asText()).isEqualTo("NONE");
    }

    @Test
    void shouldRefuseAStorageTopicThatWouldLoseSchemas() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("_schemas_deleted", 1, (short) 1),
                    new NewTopic("_schemas_spread", 3, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get();
        }

        assertThatThrownBy(() -> LocalSchemaRegistry.start(KAFKA.bootstrapServers(), 0, "_schemas_deleted"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cleanup.policy=delete");
        assertThatThrownBy(() -> LocalSchemaRegistry.start(KAFKA.bootstrapServers(), 0, "_schemas_spread"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 3 partitions; it must have exactly 1");
    }

    private LocalSchemaRegistry start() {
        LocalSchemaRegistry started = LocalSchemaRegistry.start(KAFKA.bootstrapServers(), 0, storageTopic);
        this.started.add(started);
        assertThat(started.url()).isEqualTo("http://localhost:" + started.port());
        return started;
    }

    private Response call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.body());
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    private static int idOf(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("id").asInt();
    }

    private static void assertError(Response response, int status, int errorCode, String messagePart) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo(CONTENT_TYPE);
        assertThat(response.json().path("error_code").asInt()).as(response.body()).isEqualTo(errorCode);
        assertThat(response.json().path("message").asText()).contains(messagePart);
    }

    private static Schema parse(String schema) {
        return new Schema.Parser().parse(schema);
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition)).get(partition);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private record Response(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + body, e);
            }
        }
    }
}
