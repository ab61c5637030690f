package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.metrics.HealthReport;

/** The notifier's probe states, as {@code /health} and {@code /ready} report them. */
class NotifierHealthTest {

    private final NotifierHealth health = new NotifierHealth("spendstream-notify");

    @Test
    void shouldBeLiveButNotReadyUntilTheGroupAssignsPartitions() {
        health.progressed(0, 0);

        HealthReport report = health.report();
        assertThat(report.live()).isTrue();
        assertThat(report.ready()).as("a loop turn before joining says nothing").isFalse();
        assertThat(report.body()).containsEntry("status", "UP").containsEntry("state", "STARTING")
                .containsEntry("groupId", "spendstream-notify");
    }

    @Test
    void shouldBeReadyOnlyOnceEveryOwnedPartitionIsRebuilt() {
        health.assigned(3, 2);
        assertThat(health.report().ready()).isFalse();
        assertThat(health.report().body()).containsEntry("state", "REBUILDING").containsEntry("partitions", 3);

        health.progressed(3, 1);
        assertThat(health.report().ready()).isFalse();

        health.progressed(3, 0);
        assertThat(health.report().ready()).isTrue();
        assertThat(health.report().body()).containsEntry("state", "DELIVERING");
    }

    @Test
    void shouldBeReadyAsAStandbyThatOwnsNoPartition() {
        health.assigned(0, 0);

        assertThat(health.report().ready()).isTrue();
        assertThat(health.report().body()).containsEntry("partitions", 0);
    }

    @Test
    void shouldStayReadyWhileATargetIsDownAndSayWhichOne() {
        health.assigned(1, 0);
        health.sending("webhook-1", Instant.parse("2026-11-23T10:05:00Z"));

        HealthReport report = health.report();
        assertThat(report.ready()).isTrue();
        assertThat(report.body()).containsEntry("sendingTo", "webhook-1")
                .containsEntry("sendingSince", "2026-11-23T10:05:00Z");

        health.sent();
        assertThat(health.report().body()).doesNotContainKeys("sendingTo", "sendingSince");
    }

    @Test
    void shouldBeDownAfterTheLoopStopsOrFailsAndStayDown() {
        health.assigned(1, 0);
        health.failed(new IllegalStateException("fenced"));
        health.stopped();
        health.progressed(1, 0);

        HealthReport report = health.report();
        assertThat(report.live()).isFalse();
        assertThat(report.ready()).isFalse();
        assertThat(report.body()).containsEntry("status", "DOWN").containsEntry("state", "FAILED")
                .containsEntry("error", "java.lang.IllegalStateException: fenced");

        NotifierHealth stopped = new NotifierHealth("g");
        stopped.assigned(1, 0);
        stopped.stopped();
        assertThat(stopped.report().live()).isFalse();
        assertThat(stopped.report().body()).containsEntry("state", "STOPPED").doesNotContainKey("error");
    }
}
