package io.spendstream.anomaly;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.streams.TestInputTopic;

import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * Pipes {@code spend.unit-cost} the way attribution emits it: several updates per 1-minute window with the cost so
 * far, evenly spaced in event time, the last one carrying the window's final cost. {@link #updatesOf} builds them
 * without piping, for tests that deliver them out of order.
 */
public final class UnitCostFeed {

    public static final Duration WINDOW = Duration.ofMinutes(1);

    private final TestInputTopic<String, UnitCost> input;
    private final int updatesPerWindow;

    public UnitCostFeed(TestInputTopic<String, UnitCost> input, int updatesPerWindow) {
        this.input = input;
        this.updatesPerWindow = updatesPerWindow;
    }

    /** One update of one window: the cost so far at an event time. */
    public record Update(String service, Instant windowStart, BigDecimal costSoFar, Instant timestamp) {

        long eventTime() {
            return timestamp.toEpochMilli();
        }
    }

    /** All updates of one window, in order. */
    public void window(String service, Instant start, BigDecimal finalCost) {
        updatesOf(service, start, finalCost).forEach(this::pipe);
    }

    List<Update> updatesOf(String service, Instant start, BigDecimal finalCost) {
        List<Update> updates = new ArrayList<>(updatesPerWindow);
        for (int k = 1; k <= updatesPerWindow; k++) {
            BigDecimal soFar = finalCost.multiply(BigDecimal.valueOf(k))
                    .divide(BigDecimal.valueOf(updatesPerWindow), Money.SCALE, RoundingMode.HALF_EVEN);
            updates.add(new Update(service, start, soFar,
                    start.plus(WINDOW.multipliedBy(k - 1).dividedBy(updatesPerWindow))));
        }
        return updates;
    }

    public void pipe(Update update) {
        update(update.service(), update.windowStart(), update.costSoFar(), update.timestamp());
    }

    public void update(String service, Instant windowStart, BigDecimal costSoFar, Instant timestamp) {
        input.pipeInput(service, unitCost(service, windowStart, costSoFar), timestamp);
    }

    /** A cost of {@code mean} with Gaussian noise of {@code relativeSd}, rounded to the cent. */
    public static BigDecimal noisy(Random random, double mean, double relativeSd) {
        return BigDecimal.valueOf(mean * (1 + relativeSd * random.nextGaussian())).setScale(2, RoundingMode.HALF_EVEN);
    }

    public static UnitCost unitCost(String service, Instant windowStart, BigDecimal cost) {
        return UnitCost.newBuilder()
                .setService(service)
                .setWindowStart(windowStart)
                .setWindowEnd(windowStart.plus(WINDOW))
                .setWindowSize(WINDOW.toString())
                .setCurrency("USD")
                .setCost(Money.of(cost))
                .setRequests(1_000)
                .setErrors(0)
                .setRevenue(Money.ZERO)
                .setMargin(Money.of(cost.negate()))
                .setCostRecords(1)
                .setApmRecords(1)
                .build();
    }
}
