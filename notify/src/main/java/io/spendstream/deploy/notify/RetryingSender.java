package io.spendstream.deploy.notify;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request body to one target until the target accepts or rejects it: retryable failures (5xx, 408, 429,
 * no connection, timeout) are retried with {@link Backoff} for as long as it takes, so an alert is never given up
 * because a target is down; a rejection (other 4xx) is final, since the same request would be refused again.
 * Every attempt that fails is logged and counted.
 */
public final class RetryingSender {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingSender.class);

    private final Backoff backoff;
    private final DoubleSupplier random;
    private final Pause pause;
    private final NotifyMetrics metrics;

    public RetryingSender(Backoff backoff, DoubleSupplier random, Pause pause, NotifyMetrics metrics) {
        this.backoff = backoff;
        this.random = random;
        this.pause = pause;
        this.metrics = metrics;
    }

    /**
     * @param body  built again for each attempt, so that times in it (Alertmanager's endsAt) stay current
     * @param what  names the payload in log lines, e.g. {@code FIRING cost-spike:service:checkout (spend.alerts-0@12)}
     * @return ACCEPTED or REJECTED, never RETRY
     * @throws InterruptedException when stopped while waiting; the request may or may not have been delivered
     */
    public PostResult send(AlertTarget target, Supplier<String> body, String what) throws InterruptedException {
        for (int retry = 1; ; retry++) {
            PostResult result = target.post(body.get());
            switch (result.outcome()) {
                case ACCEPTED -> {
                    metrics.sent(target.name(), "event");
                    if (retry > 1) {
                        LOG.info("{}: {} delivered after {} attempts", target.name(), what, retry);
                    }
                    return result;
                }
                case REJECTED -> {
                    metrics.failed(target.name(), "rejected");
                    LOG.error("{} rejected {} ({}); not retrying: the request itself is refused. The record goes to "
                            + "the dead-letter topic.", target.name(), what, result.detail());
                    return result;
                }
                default -> {
                    metrics.retried(target.name());
                    Duration wait = backoff.delay(retry, random);
                    LOG.warn("{}: {} not delivered ({}); retry {} in {} ms", target.name(), what, result.detail(),
                            retry, wait.toMillis());
                    pause.pause(wait);
                }
            }
        }
    }
}
