package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.avro.Alert;
import io.spendstream.avro.DeadLetter;
import io.spendstream.deploy.broker.EmbeddedKafkaBroker;
import io.spendstream.deploy.registry.LocalSchemaRegistry;
import io.spendstream.deploy.broker.FreePorts;
import io.spendstream.deploy.ops.MonitoredMetrics;
import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.MetricsServer;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * {@code spendstream notify} against a real in-process KRaft broker, the local schema registry, a real Prometheus
 * Alertmanager (checked through its own {@code GET /api/v2/alerts}) and webhook receivers on the JDK's HTTP server.
 * Each test has its own alert and dead-letter topics and consumer groups.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotifyIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REPOST = Duration.ofSeconds(60);
    private static final Backoff FAST_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800));

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private LocalSchemaRegistry registry;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SpendstreamConfig config;
    private SpendstreamTopics topics;

    @BeforeAll
    void startKafka(@TempDir Path kafkaDir) throws IOException {
        broker = EmbeddedKafkaBroker.start(kafkaDir.resolve("kafka"), FreePorts.next(), FreePorts.next(), Map.of());
        registry = LocalSchemaRegistry.start(broker.bootstrapServers(), 0, LocalSchemaRegistry.DEFAULT_STORAGE_TOPIC);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stopKafka() {
        producer.close();
        admin.close();
        registry.close();
        broker.close();
    }

    @BeforeEach
    void ownTopics(TestInfo test) throws Exception {
        String name = test.getTestMethod().orElseThrow().getName();
        String alerts = "alerts-" + name;
        String dlq = "dlq-" + name;
        admin.createTopics(List.of(new NewTopic(alerts, 1, (short) 1), new NewTopic(dlq, 1, (short) 1))).all().get();
        config = new SpendstreamConfig(Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "schema.registry.url", registry.url(),
                "spendstream.topic.alerts", alerts,
                "spendstream.topic.dlq", dlq));
        topics = ConnectionOptions.topics(config);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        toClose.clear();
    }

    @Test
    void shouldShowAFiringAlertInAlertmanagerAndResolveIt() throws Exception {
        AlertmanagerProcess.assumeInstalled();
        AlertmanagerProcess alertmanager = alertmanager("am", FreePorts.next());
        Running notifier = notifier(newGroup(), alertmanager.url(), List.of());

        send(Alerts.firing("checkout"));

        String key = Alerts.firing("checkout").getDedupKey();
        await("the FIRING alert active in Alertmanager").atMost(Duration.ofSeconds(30))
                .until(() -> alertmanager.alert(key) != null);
        JsonNode active = alertmanager.alert(key);
        assertThat(active.path("status").path("state").asText()).isEqualTo("active");
        assertThat(active.path("labels").path("alertname").asText()).isEqualTo("COST_SPIKE");
        assertThat(active.path("labels").path("severity").asText()).isEqualTo("page");
        assertThat(active.path("labels").path("service").asText()).isEqualTo("checkout");
        assertThat(active.path("labels").path("team").asText()).isEqualTo("payments");
        assertThat(active.path("labels").path("scope").asText()).isEqualTo("checkout");
        assertThat(active.path("annotations").path("summary").asText())
                .isEqualTo("checkout cost 12.30 USD/min vs 1.20 expected (+925%)");
        // What on-call acts on, in Alertmanager's own API: the anomaly app's annotations (issue 16).
        Alerts.annotations("checkout").forEach((name, value) ->
                assertThat(active.path("annotations").path(name).asText()).as("annotation %s", name).isEqualTo(value));
        assertThat(Instant.parse(active.path("startsAt").asText())).isEqualTo(Alerts.STARTED);
        assertThat(Instant.parse(active.path("endsAt").asText())).isAfter(Instant.now().plus(REPOST));

        send(Alerts.resolved("checkout"));

        await("the alert resolved: gone from Alertmanager's list").atMost(Duration.ofSeconds(30))
                .until(() -> alertmanager.alert(key) == null);
        assertThat(notifier.instance.firingCount()).isZero();
        await("both events committed").atMost(Duration.ofSeconds(10))
                .until(() -> committed(notifier.group) == 2L);
        assertThat(notifier.metrics.total(NotifyMetrics.SENT)).isEqualTo(2);
        assertThat(notifier.metrics.total(NotifyMetrics.FAILED)).isZero();
    }

    @Test
    void shouldKeepAnAlertWhileAlertmanagerIsDownAndDeliverItOnceItIsUp() throws Exception {
        AlertmanagerProcess.assumeInstalled();
        int port = FreePorts.next();
        Running notifier = notifier(newGroup(), "http://127.0.0.1:" + port, List.of());

        send(Alerts.firing("search"));

        await("failed attempts while nothing listens on port " + port).atMost(Duration.ofSeconds(30))
                .until(() -> notifier.metrics.total(NotifyMetrics.RETRIED) >= 3);
        assertThat(committed(notifier.group)).as("the undelivered alert's offset is not committed").isZero();

        AlertmanagerProcess alertmanager = alertmanager("am-late", port);

        String key = Alerts.firing("search").getDedupKey();
        await("the alert that waited, active in Alertmanager").atMost(Duration.ofSeconds(30))
                .until(() -> alertmanager.alert(key) != null);
        assertThat(alertmanager.alert(key).path("status").path("state").asText()).isEqualTo("active");
        await("its offset committed after delivery").atMost(Duration.ofSeconds(10))
                .until(() -> committed(notifier.group) == 1L);
        assertThat(notifier.metrics.count(NotifyMetrics.SENT, notifier.alertmanagerName())).isEqualTo(1);
    }

    @Test
    void shouldRebuildWhatIsFiringAfterARestartAndTellOnlyAlertmanager() throws Exception {
        AlertmanagerProcess.assumeInstalled();
        Receiver webhook = receiver(body -> 200);
        String group = newGroup();
        AlertmanagerProcess first = alertmanager("am-1", FreePorts.next());
        Running before = notifier(group, first.url(), List.of(webhook.url()));
        send(Alerts.firing("checkout"));
        send(Alerts.firing("search"));
        send(Alerts.resolved("search"));
        await("three events at the webhook").atMost(Duration.ofSeconds(30))
                .until(() -> webhook.bodies().size() == 3);
        await("three events committed").atMost(Duration.ofSeconds(10)).until(() -> committed(group) == 3L);
        before.stop();
        first.close();

        // A new Alertmanager that knows nothing, e.g. one that lost its storage.
        AlertmanagerProcess second = alertmanager("am-2", FreePorts.next());
        Running after = notifier(group, second.url(), List.of(webhook.url()));

        String checkout = Alerts.firing("checkout").getDedupKey();
        await("the still-firing alert re-posted to the new Alertmanager").atMost(Duration.ofSeconds(30))
                .until(() -> second.alert(checkout) != null);
        assertThat(second.alert(Alerts.firing("search").getDedupKey())).as("resolved before the restart").isNull();
        assertThat(after.instance.firingCount()).isEqualTo(1);
        assertThat(webhook.bodies()).as("no event sent again to the webhook").hasSize(3);
        assertThat(after.metrics.count(NotifyMetrics.SENT, after.alertmanagerName())).as("one re-post, no events")
                .isEqualTo(1);
    }

    @Test
    void shouldRetryAWebhookAndDeadLetterWhatIsRejectedOrUnreadable() throws Exception {
        AtomicInteger unavailable = new AtomicInteger(2);
        Receiver webhook = receiver(body -> {
            if (body.path("dedupKey").asText().contains("malformed")) {
                return 400;
            }
            return unavailable.getAndDecrement() > 0 ? 503 : 200;
        });
        Running notifier = notifier(newGroup(), null, List.of(webhook.url()));

        send(Alerts.firing("malformed"));
        producer.send(new ProducerRecord<>(topics.alerts.name(), "garbage".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8))).get();
        send(Alerts.firing("checkout"));

        await("the checkout alert accepted after two 503s").atMost(Duration.ofSeconds(30))
                .until(() -> webhook.accepted().size() == 1);
        JsonNode event = webhook.accepted().get(0);
        assertThat(event.path("dedupKey").asText()).isEqualTo("cost-spike:service:checkout");
        assertThat(event.path("status").asText()).isEqualTo("FIRING");
        assertThat(event.path("summary").asText()).isEqualTo("checkout cost 12.30 USD/min vs 1.20 expected (+925%)");
        assertThat(event.path("startsAt").asText()).isEqualTo("2026-11-23T10:05:00Z");
        assertThat(event.path("annotations").path("verdict").asText()).isEqualTo("new-spend");
        assertThat(event.path("annotations").path("contributors").asText()).startsWith("resource checkout-db-replica");
        assertThat(event.path("eventId").asText()).isEqualTo(topics.alerts.name() + "-0@2");
        assertThat(webhook.bodies()).as("1 rejected + 2 unavailable + 1 accepted").hasSize(4);

        List<DeadLetter> letters = deadLetters(2);
        assertThat(letters).extracting(DeadLetter::getReason)
                .containsExactly("rejected-by-target", "deserialization-error");
        assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L);
        assertThat(letters.get(0).getMessage()).contains("HTTP 400");
        assertThat(letters.get(0).getStage()).isEqualTo("notify");
        await("all three records committed").atMost(Duration.ofSeconds(10))
                .until(() -> committed(notifier.group) == 3L);
        String target = notifier.webhookNames.get(0);
        assertThat(notifier.metrics.count(NotifyMetrics.RETRIED, target)).isEqualTo(2);
        assertThat(notifier.metrics.count(NotifyMetrics.SENT, target)).isEqualTo(1);
        assertThat(notifier.metrics.count(NotifyMetrics.FAILED, target)).isEqualTo(1);
        assertThat(notifier.metrics.count(NotifyMetrics.FAILED, topics.alerts.name())).isEqualTo(1);

        // The same figures on /metrics, as Prometheus scrapes them, with the Kafka client and JVM meters.
        HttpResponse<String> scrape = get(notifier, "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        String app = "application=\"" + notifier.group + "\"";
        assertThat(scrape.body().lines())
                .contains("spendstream_notify_retried_total{" + app + ",target=\"" + target + "\"} 2.0")
                .contains("spendstream_notify_sent_total{" + app + ",kind=\"event\",target=\"" + target + "\"} 1.0")
                .contains("spendstream_notify_failed_total{" + app + ",reason=\"rejected\",target=\"" + target
                        + "\"} 1.0")
                .contains("spendstream_notify_failed_total{" + app + ",reason=\"undecodable\",target=\""
                        + topics.alerts.name() + "\"} 1.0")
                .contains("spendstream_notify_assignments_total{" + app + "} 1.0")
                // malformed and checkout: a webhook refusing an alert does not end it.
                .contains("spendstream_notify_firing{" + app + "} 2.0")
                .anyMatch(line -> line.startsWith("kafka_consumer_fetch_manager_records_consumed_total{"))
                .anyMatch(line -> line.startsWith("kafka_producer_record_send_total{"))
                .anyMatch(line -> line.startsWith("jvm_memory_used_bytes{"));
        // Every notifier meter the alerting rules and the dashboard select is one this scrape really has.
        assertThat(MonitoredMetrics.notifierNames()).as("the rules' spendstream_notify_* meters")
                .contains("spendstream_notify_failed_total", "spendstream_notify_retried_total");
        assertThat(MonitoredMetrics.namesIn(scrape.body())).containsAll(MonitoredMetrics.notifierNames());
        HttpResponse<String> ready = get(notifier, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode readyBody = JSON.readTree(ready.body());
        assertThat(readyBody.path("state").asText()).isEqualTo("DELIVERING");
        assertThat(readyBody.path("partitions").asInt()).isEqualTo(1);
        assertThat(get(notifier, "/health").statusCode()).isEqualTo(200);

        notifier.stop();
        HttpResponse<String> stopped = get(notifier, "/health");
        assertThat(stopped.statusCode()).as("the loop has ended").isEqualTo(503);
        assertThat(JSON.readTree(stopped.body()).path("state").asText()).isEqualTo("STOPPED");
        assertThat(get(notifier, "/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void shouldStayInItsGroupAndKeepOrderThroughAnOutageLongerThanTheMaxPollInterval() throws Exception {
        AtomicBoolean down = new AtomicBoolean(true);
        Receiver webhook = receiver(body -> down.get() ? 503 : 200);
        // Without polling during the retries, the consumer would be dropped from its group after 3 s.
        Running notifier = notifier(newGroup(), null, List.of(webhook.url()), Map.of(
                "consumer.max.poll.interval.ms", "3000",
                "consumer.session.timeout.ms", "6000",
                "consumer.heartbeat.interval.ms", "1000"));

        send(Alerts.firing("checkout"));
        send(Alerts.firing("search"));
        await("an outage of more than twice max.poll.interval.ms").pollDelay(Duration.ofSeconds(7))
                .atMost(Duration.ofSeconds(30)).until(() -> notifier.metrics.total(NotifyMetrics.RETRIED) >= 5);
        assertThat(committed(notifier.group)).as("nothing committed during the outage").isZero();
        // Its only target is down, yet the notifier stays ready (see NotifierHealth) and says what it waits for.
        HttpResponse<String> ready = get(notifier, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).path("sendingTo").asText()).isEqualTo(notifier.webhookNames.get(0));
        List<JsonNode> duringOutage = webhook.bodies();
        down.set(false);

        await("both alerts accepted once the webhook is back").atMost(Duration.ofSeconds(30))
                .until(() -> webhook.accepted().size() == 2);
        assertThat(webhook.accepted()).extracting(body -> body.path("scope").asText())
                .containsExactly("checkout", "search");
        assertThat(duringOutage).as("in order: search waits behind checkout").isNotEmpty()
                .allMatch(body -> body.path("scope").asText().equals("checkout"));
        await("both committed").atMost(Duration.ofSeconds(10)).until(() -> committed(notifier.group) == 2L);
        assertThat(notifier.metrics.total(NotifyMetrics.ASSIGNMENTS)).as("assigned once: never dropped from the "
                + "group").isEqualTo(1);
    }

    /** GET on the notifier's operations endpoint. */
    private HttpResponse<String> get(Running notifier, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + notifier.metricsPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void send(Alert alert) throws Exception {
        producer.send(topics.alerts.serialize(alert.getDedupKey(), alert)).get();
    }

    private String newGroup() {
        return "notify-it-" + UUID.randomUUID();
    }

    /** Starts a notifier and waits until it owns the partition (a new group commits the end offset then). */
    private Running notifier(String group, String alertmanagerUrl, List<String> webhookUrls) {
        return notifier(group, alertmanagerUrl, webhookUrls, Map.of());
    }

    private Running notifier(String group, String alertmanagerUrl, List<String> webhookUrls,
            Map<String, String> settings) {
        AlertmanagerTarget alertmanager = alertmanagerUrl == null ? null
                : AlertmanagerTarget.create(http, alertmanagerUrl, Duration.ofSeconds(2), REPOST.multipliedBy(4));
        List<WebhookTarget> webhooks = new ArrayList<>();
        for (int i = 0; i < webhookUrls.size(); i++) {
            webhooks.add(WebhookTarget.create(http, webhookUrls.get(i), Duration.ofSeconds(2), i + 1));
        }
        PrometheusMeterRegistry meterRegistry = NotifierEndpoint.registry(group);
        NotifyMetrics metrics = new NotifyMetrics(new PipelineMetrics(meterRegistry));
        AlertNotifier instance = AlertNotifier.create(config.with(settings), alertmanager, webhooks,
                new AlertNotifier.Settings(group, REPOST, FAST_BACKOFF), metrics);
        // Served as `spendstream notify` serves it, on a free loopback port.
        NotifierEndpoint endpoint = NotifierEndpoint.start(config.with(Map.of(
                MetricsServer.PORT, "0", MetricsServer.ADDRESS, "127.0.0.1")), instance, meterRegistry);
        toClose.add(endpoint);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                instance.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "notifier-" + group);
        thread.start();
        Running running = new Running(group, instance, thread, failure, metrics, endpoint.port(),
                alertmanager == null ? null : alertmanager.name(), webhooks.stream().map(WebhookTarget::name).toList());
        toClose.add(running);
        await("notifier " + group + " owns the partition").atMost(Duration.ofSeconds(30))
                .until(() -> committedOffset(group) != null);
        return running;
    }

    private AlertmanagerProcess alertmanager(String name, int port) throws IOException {
        AlertmanagerProcess alertmanager = AlertmanagerProcess.start(dir.resolve(name), port);
        toClose.add(alertmanager);
        return alertmanager;
    }

    private Receiver receiver(Function<JsonNode, Integer> status) throws IOException {
        Receiver receiver = new Receiver(status);
        toClose.add(receiver);
        return receiver;
    }

    private Long committed(String group) throws Exception {
        OffsetAndMetadata offset = committedOffset(group);
        return offset == null ? null : offset.offset();
    }

    private OffsetAndMetadata committedOffset(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.get(new TopicPartition(topics.alerts.name(), 0));
    }

    private List<DeadLetter> deadLetters(int expected) {
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.dlq.name()));
            await(expected + " dead letters on " + topics.dlq.name()).atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    letters.add(topics.dlq.value(record));
                }
                return letters.size() >= expected;
            });
        }
        return letters;
    }

    /** A notifier running on its own thread; closing it stops it and fails the test if it had crashed. */
    private record Running(String group, AlertNotifier instance, Thread thread, AtomicReference<Throwable> failure,
            NotifyMetrics metrics, int metricsPort, String alertmanagerName, List<String> webhookNames)
            implements AutoCloseable {

        void stop() throws InterruptedException {
            instance.stop();
            thread.join(15_000);
            assertThat(thread.isAlive()).as("notifier stopped").isFalse();
            instance.close();
            assertThat(failure.get()).as("notifier failure").isNull();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    /** A webhook on the JDK's HTTP server: records every request, answers with the status the function gives. */
    private static final class Receiver implements AutoCloseable {

        private record Request(JsonNode body, int status) {
        }

        private final List<Request> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Receiver(Function<JsonNode, Integer> status) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                try (exchange) {
                    JsonNode body = JSON.readTree(exchange.getRequestBody());
                    int code = status.apply(body);
                    requests.add(new Request(body, code));
                    exchange.sendResponseHeaders(code, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        /** Every body received, whatever the answer. */
        List<JsonNode> bodies() {
            return requests.stream().map(Request::body).toList();
        }

        List<JsonNode> accepted() {
            return requests.stream().filter(r -> r.status() == 200).map(Request::body).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
