package io.spendstream.deploy.notify;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter between delivery attempts: retry n waits between half and all of
 * {@code min(max, initial * 2^(n-1))}. The random half spreads retries of several notifiers (or of one notifier's
 * targets) so that a recovering target is not hit by all of them at once; the fixed half keeps the wait growing,
 * which full jitter (anything from zero) would not guarantee.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is shorter than the initial " + initial);
        }
    }

    /** The ceiling of retry {@code retry} (1 = the first retry), before jitter. */
    public Duration ceiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, not " + retry);
        }
        // 2^62 ms is beyond any max: stop doubling there instead of overflowing.
        int doublings = Math.min(retry - 1, 62);
        long maxMillis = max.toMillis();
        long initialMillis = initial.toMillis();
        long ceiling = initialMillis > (maxMillis >> doublings) ? maxMillis : initialMillis << doublings;
        return Duration.ofMillis(Math.min(ceiling, maxMillis));
    }

    /** The wait before retry {@code retry}; {@code random} gives values in [0, 1). */
    public Duration delay(int retry, DoubleSupplier random) {
        long ceiling = ceiling(retry).toMillis();
        long half = ceiling / 2;
        return Duration.ofMillis(ceiling - half + (long) (random.getAsDouble() * half));
    }
}
