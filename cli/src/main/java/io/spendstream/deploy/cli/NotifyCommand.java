package io.spendstream.deploy.cli;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spendstream.deploy.notify.AlertNotifier;
import io.spendstream.deploy.notify.AlertmanagerTarget;
import io.spendstream.deploy.notify.Backoff;
import io.spendstream.deploy.notify.NotifierEndpoint;
import io.spendstream.deploy.notify.NotifyMetrics;
import io.spendstream.deploy.notify.WebhookTarget;
import io.spendstream.runtime.StreamsProperties;
import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.MetricsServer;
import io.spendstream.runtime.metrics.PipelineMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spendstream notify}: forwards {@code spend.alerts} to Prometheus Alertmanager and to JSON webhooks, at least
 * once (see {@link AlertNotifier}).
 */
@Command(name = "notify", mixinStandardHelpOptions = true,
        description = "Forward spend.alerts to Prometheus Alertmanager (v2 API) and to JSON "
        + "webhooks, with retries; offsets are committed only once every target has the alert.")
final class NotifyCommand implements Callable<Integer> {

    @Option(names = "--alertmanager", paramLabel = "URL", description = "Alertmanager base URL, e.g. "
            + "http://alertmanager:9093 (alerts go to URL/api/v2/alerts).")
    String alertmanagerUrl;

    @Option(names = "--webhook", paramLabel = "URL", description = "A URL that receives one JSON object per alert "
            + "event (repeatable).")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--repost-interval", paramLabel = "DURATION", defaultValue = "60s", description = "How often "
            + "alerts still firing are re-sent to Alertmanager (default: ${DEFAULT-VALUE}); their endsAt is set four "
            + "intervals ahead.")
    String repostInterval;

    @Option(names = "--initial-backoff", paramLabel = "DURATION", defaultValue = "500ms",
            description = "Wait before the first retry of a failed delivery (default: ${DEFAULT-VALUE}).")
    String initialBackoff;

    @Option(names = "--max-backoff", paramLabel = "DURATION", defaultValue = "30s", description = "Longest wait "
            + "between retries; waits double up to it, with jitter (default: ${DEFAULT-VALUE}).")
    String maxBackoff;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Timeout of one HTTP request (default: ${DEFAULT-VALUE}).")
    String requestTimeout;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Port of /metrics, /health and /ready "
            + "(default: spendstream.metrics.port if set, else " + NotifierEndpoint.DEFAULT_PORT + "; 0 = any free "
            + "port).")
    Integer metricsPort;

    @Option(names = "--group-id", paramLabel = "ID", description = "Consumer group (default: the application id "
            + "prefix + notify, i.e. spendstream-notify).")
    String groupId;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    LogOptions logging;

    private static final Logger LOG = LoggerFactory.getLogger(NotifyCommand.class);

    /** Firing alerts get endsAt this many re-post intervals ahead, as Prometheus does: three re-posts may fail. */
    static final int FIRING_TTL_INTERVALS = 4;

    @Override
    public Integer call() {
        logging.apply();
        // Like the stream apps: the notifier's port is its default, below the file, SPENDSTREAM_METRICS_PORT and --set;
        // the dedicated flag is a flag like the others, so it wins.
        SpendstreamConfig config = connection.resolve(Map.of(MetricsServer.PORT, NotifierEndpoint.DEFAULT_PORT));
        if (metricsPort != null) {
            config = config.with(Map.of(MetricsServer.PORT, metricsPort.toString()));
        }
        Duration interval = Durations.parse(repostInterval);
        Duration timeout = Durations.parse(requestTimeout);
        Backoff backoff = new Backoff(Durations.parse(initialBackoff), Durations.parse(maxBackoff));
        String group = groupId != null ? groupId
                : config.get(StreamsProperties.APPLICATION_ID_PREFIX, "spendstream-") + AlertNotifier.STAGE;

        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        AlertmanagerTarget alertmanager = alertmanagerUrl == null ? null
                : AlertmanagerTarget.create(http, alertmanagerUrl, timeout, interval.multipliedBy(FIRING_TTL_INTERVALS));
        List<WebhookTarget> hooks = new ArrayList<>();
        for (int i = 0; i < webhooks.size(); i++) {
            hooks.add(WebhookTarget.create(http, webhooks.get(i), timeout, i + 1));
        }
        // Closed by the endpoint, which serves it.
        PrometheusMeterRegistry registry = NotifierEndpoint.registry(group);
        try (StopOnShutdown shutdown = StopOnShutdown.register(Duration.ofSeconds(10));
                AlertNotifier notifier = AlertNotifier.create(config, alertmanager, hooks,
                        new AlertNotifier.Settings(group, interval, backoff),
                        new NotifyMetrics(new PipelineMetrics(registry)));
                NotifierEndpoint endpoint = NotifierEndpoint.start(config, notifier, registry)) {
            LOG.info("Serving {} (and /health, /ready)", endpoint.metricsUrl());
            shutdown.onStop(notifier::stop);
            notifier.run();
        }
        return 0;
    }
}
