package io.spendstream.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RefreshSchedulerTest {

    @Test
    void shouldRunAFixedRateTaskAtItsOwnPeriodWhateverPeriodTheCallerAsksFor() throws InterruptedException {
        ClientMeters.RefreshScheduler scheduler = new ClientMeters.RefreshScheduler(Duration.ofMillis(50));
        try {
            CountDownLatch threeRuns = new CountDownLatch(3);
            // As Micrometer's Kafka binder asks: once a minute, first after a minute.
            scheduler.scheduleAtFixedRate(threeRuns::countDown, 60_000, 60_000, TimeUnit.MILLISECONDS);

            assertThat(threeRuns.await(10, TimeUnit.SECONDS)).as("three runs at the 50 ms period").isTrue();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void shouldRunOnOneDaemonThreadNamedForThreadDumps() throws Exception {
        ClientMeters.RefreshScheduler scheduler = new ClientMeters.RefreshScheduler(Duration.ofMillis(50));
        try {
            Thread thread = scheduler.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);

            assertThat(thread.isDaemon()).isTrue();
            assertThat(thread.getName()).isEqualTo("spendstream-kafka-metrics");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
