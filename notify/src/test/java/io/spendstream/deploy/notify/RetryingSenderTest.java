package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.metrics.PipelineMetrics;

class RetryingSenderTest {

    private final NotifyMetrics metrics = new NotifyMetrics(new PipelineMetrics(new SimpleMeterRegistry()));
    private final List<Duration> pauses = new ArrayList<>();
    private final RetryingSender sender = new RetryingSender(new Backoff(Duration.ofMillis(100),
            Duration.ofMillis(350)), () -> 0.0, pauses::add, metrics);

    @Test
    void shouldRetryServerErrorsAndRefusedConnectionsWithGrowingWaitsUntilAccepted() throws Exception {
        ScriptedTarget target = new ScriptedTarget(PostResult.ofStatus(503, "down"),
                PostResult.retry("ConnectException"), PostResult.ofStatus(500, ""), PostResult.ofStatus(429, ""),
                PostResult.ofStatus(202, ""));
        int[] bodiesBuilt = {0};

        PostResult result = sender.send(target, () -> "body-" + ++bodiesBuilt[0], "FIRING x");

        assertThat(result.outcome()).isEqualTo(PostResult.Outcome.ACCEPTED);
        // Ceilings 100, 200, 350 (capped), 350; jitter 0 takes half of each.
        assertThat(pauses).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(175),
                Duration.ofMillis(175));
        assertThat(target.bodies).containsExactly("body-1", "body-2", "body-3", "body-4", "body-5");
        assertThat(metrics.count(NotifyMetrics.RETRIED, "scripted")).isEqualTo(4);
        assertThat(metrics.count(NotifyMetrics.SENT, "scripted")).isEqualTo(1);
        assertThat(metrics.total(NotifyMetrics.FAILED)).isZero();
    }

    @Test
    void shouldGiveUpAtOnceOnAClientErrorAndCountIt() throws Exception {
        ScriptedTarget target = new ScriptedTarget(PostResult.ofStatus(400, "{\"message\":\"bad label\"}"));

        PostResult result = sender.send(target, () -> "body", "FIRING x");

        assertThat(result.outcome()).isEqualTo(PostResult.Outcome.REJECTED);
        assertThat(result.detail()).isEqualTo("HTTP 400: {\"message\":\"bad label\"}");
        assertThat(pauses).isEmpty();
        assertThat(target.bodies).hasSize(1);
        assertThat(metrics.count(NotifyMetrics.FAILED, "scripted")).isEqualTo(1);
        assertThat(metrics.total(NotifyMetrics.SENT)).isZero();
    }

    @Test
    void shouldClassifyStatusesAsAcceptedRejectedOrRetry() {
        assertThat(PostResult.ofStatus(200, "").outcome()).isEqualTo(PostResult.Outcome.ACCEPTED);
        assertThat(PostResult.ofStatus(204, null).outcome()).isEqualTo(PostResult.Outcome.ACCEPTED);
        assertThat(PostResult.ofStatus(404, "").outcome()).isEqualTo(PostResult.Outcome.REJECTED);
        assertThat(PostResult.ofStatus(422, "").outcome()).isEqualTo(PostResult.Outcome.REJECTED);
        assertThat(PostResult.ofStatus(408, "").outcome()).isEqualTo(PostResult.Outcome.RETRY);
        assertThat(PostResult.ofStatus(429, "").outcome()).isEqualTo(PostResult.Outcome.RETRY);
        assertThat(PostResult.ofStatus(502, "").outcome()).isEqualTo(PostResult.Outcome.RETRY);
    }

    /** Answers each POST with the next scripted result and remembers the bodies. */
    private static final class ScriptedTarget implements AlertTarget {

        private final Deque<PostResult> results;
        private final List<String> bodies = new ArrayList<>();

        ScriptedTarget(PostResult... results) {
            this.results = new ArrayDeque<>(List.of(results));
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String eventBody(AlertEvent event, Instant now) {
            throw new UnsupportedOperationException("the sender is given the body");
        }

        @Override
        public PostResult post(String body) {
            bodies.add(body);
            return results.removeFirst();
        }
    }
}
