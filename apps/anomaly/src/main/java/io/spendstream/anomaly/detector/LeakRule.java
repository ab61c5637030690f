package io.spendstream.anomaly.detector;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * The slow-leak ticket: a series whose cost rises hour after hour against the same hour the day before. The cost
 * detector follows a slow rise (its level learns ~100 windows back), so a service gaining +5% an hour raises no spike
 * at any minute; the day before is the reference that does not move with it, and it cancels the daily pattern.
 *
 * <p>Per complete hour {@code c} (from the settled windows, in order: {@link LeakWatch}), with {@code r(h)} = the mean
 * window cost of hour {@code h} over that of hour {@code h - 24}: a leak OPENs (a TICKET, dedup key
 * {@code cost-leak:service:<s>}, type {@code COST_SPIKE}) when {@code r} rose by at least {@code minStep} in each of
 * the last {@code risingHours} hours ({@code r(c) >= minStep * r(c-1) >= ...}), {@code r(c) >= minRatio}, and the
 * hour's excess over yesterday's is at least {@code minExcessPerHour} of the lifecycle. What does not open one:
 * a daily pattern (the same hour yesterday had it too), a weekday stepping up from the weekend (one step, then a flat
 * ratio), steady growth of 30% a week (a flat ratio of ~1.04), noise (hourly means of minute windows move ~1%). An
 * UPDATE per complete hour while open, RESOLVED on the first complete hour below {@code resolveRatio} times
 * yesterday's (a leak fixed, or a day after it stopped rising: then yesterday had the new level too).
 */
public final class LeakRule {

    public static final String DEDUP_PREFIX = "cost-leak:service:";

    private static final long HOUR = 3_600_000L;

    private final LeakSettings settings;
    private final BigDecimal minExcessPerHour;

    public LeakRule(LeakSettings settings, BigDecimal minExcessPerHour) {
        this.settings = settings;
        this.minExcessPerHour = minExcessPerHour;
    }

    public LeakSettings settings() {
        return settings;
    }

    public LeakWatch newWatch() {
        return LeakWatch.empty();
    }

    public static String anomalyId(String scope, long startedAt) {
        return DEDUP_PREFIX + scope + ":" + startedAt;
    }

    /** Learns one settled window; returns the leak's events for the hours it completed. */
    public List<Transition> learn(LeakWatch watch, String scope, String currency, long windowStart, long windowMillis,
            double cost) {
        if (!settings.enabled()) {
            return List.of();
        }
        long[] completed = watch.add(Math.floorDiv(windowStart, HOUR), cost);
        List<Transition> events = new ArrayList<>();
        for (long hour : completed) {
            judge(watch, scope, currency, hour, windowMillis, events);
        }
        return events;
    }

    private void judge(LeakWatch watch, String scope, String currency, long c, long windowMillis,
            List<Transition> events) {
        double now = watch.mean(c);
        double yesterday = watch.mean(c - 24);
        if (!(now > 0) || !(yesterday > 0)) {
            return;
        }
        double ratio = now / yesterday;
        double windowsPerHour = HOUR / (double) windowMillis;
        double hourExcess = (now - yesterday) * windowsPerHour;
        long hourEnd = (c + 1) * HOUR;
        if (watch.isOpen()) {
            if (ratio < settings.resolveRatio()) {
                events.add(transition(AnomalyState.RESOLVED, scope, currency, watch.openedAt(), c, windowMillis,
                        now, yesterday, watch.peak(), watch.excess(), 0, ratio, hourEnd));
                watch.resolve();
            } else {
                watch.active(Math.max(0, hourExcess), now);
                events.add(transition(AnomalyState.UPDATE, scope, currency, watch.openedAt(), c, windowMillis, now,
                        yesterday, watch.peak(), watch.excess(), hourExcess, ratio, null));
            }
            return;
        }
        if (ratio < settings.minRatio() || BigDecimal.valueOf(hourExcess).compareTo(minExcessPerHour) < 0) {
            return;
        }
        double excess = 0;
        double later = ratio;
        for (int k = 1; k <= settings.risingHours(); k++) {
            double before = watch.mean(c - k) / watch.mean(c - k - 24);
            if (!(before > 0) || later < settings.minStep() * before) {
                return;
            }
            later = before;
        }
        // The rise began with the first of the rising hours; their excess over yesterday is the leak's so far.
        for (int k = settings.risingHours() - 1; k >= 0; k--) {
            excess += Math.max(0, watch.mean(c - k) - watch.mean(c - k - 24)) * windowsPerHour;
        }
        long startedAt = (c - settings.risingHours() + 1) * HOUR;
        watch.open(startedAt, excess, now);
        events.add(transition(AnomalyState.OPEN, scope, currency, startedAt, c, windowMillis, now, yesterday, now,
                excess, hourExcess, ratio, null));
    }

    private static Transition transition(AnomalyState state, String scope, String currency, long startedAt, long hour,
            long windowMillis, double now, double yesterday, double peak, double excess, double hourExcess,
            double ratio, Long endedAt) {
        BigDecimal observed = money(now);
        BigDecimal perHour = Money.of(BigDecimal.valueOf(hourExcess));
        // The score says how far above yesterday the hour is: 1 - yesterday/now, in [0, 1).
        double score = Math.max(0, 1 - 1 / ratio);
        return new Transition(AnomalyType.COST_SPIKE, state, scope, anomalyId(scope, startedAt), startedAt,
                (hour + 1) * HOUR, endedAt, hour * HOUR, windowMillis, false, currency, observed, observed,
                money(yesterday), money(peak), money(excess), perHour.max(Money.ZERO), score, Severity.TICKET, false);
    }

    private static BigDecimal money(double amount) {
        return Money.of(BigDecimal.valueOf(amount));
    }

    /** Whether {@code anomalyId} is a leak's. */
    public static boolean isLeak(String anomalyId) {
        return anomalyId.startsWith(DEDUP_PREFIX);
    }
}
