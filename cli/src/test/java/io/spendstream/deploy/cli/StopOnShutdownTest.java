package io.spendstream.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class StopOnShutdownTest {

    @Test
    void shouldStopTheLoopAndHoldTheJvmUntilTheCommandHasCleanedUp() throws Exception {
        CountDownLatch loopStopped = new CountDownLatch(1);
        StopOnShutdown shutdown = StopOnShutdown.register(Duration.ofSeconds(30));
        shutdown.onStop(loopStopped::countDown);

        // What the JVM does on Ctrl-C: run the hook (here by hand).
        Thread hook = shutdown.hook();
        hook.start();

        assertThat(loopStopped.await(5, TimeUnit.SECONDS)).as("the loop was asked to stop").isTrue();
        hook.join(300);
        assertThat(hook.isAlive()).as("the JVM waits while the command closes its apps").isTrue();
        shutdown.close();
        hook.join(5_000);
        assertThat(hook.isAlive()).as("released once the clean-up is over").isFalse();
    }

    @Test
    void shouldStopAtOnceWhenTheShutdownBeganBeforeTheLoopWasSet() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        try (StopOnShutdown shutdown = StopOnShutdown.register(Duration.ofMillis(100))) {
            Thread hook = shutdown.hook();
            hook.start();
            hook.join(5_000);

            // Ctrl-C during start-up: the loop that is set up afterwards must not run on.
            shutdown.onStop(stops::incrementAndGet);
            assertThat(stops.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldGiveUpWaitingAfterTheBound() throws Exception {
        try (StopOnShutdown shutdown = StopOnShutdown.register(Duration.ofMillis(200))) {
            Thread hook = shutdown.hook();
            long started = System.nanoTime();
            hook.start();
            hook.join(10_000);
            assertThat(hook.isAlive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }
}
