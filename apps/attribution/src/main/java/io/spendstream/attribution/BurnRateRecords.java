package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.attribution.avro.ScopeBurnState;
import io.spendstream.attribution.avro.TrailingSum;
import io.spendstream.avro.Budget;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.schemas.Money;

/**
 * Turns a scope's trailing sums, its budget and its spend this period into the {@link BurnRate} written to
 * {@code spend.burn-rate}.
 *
 * <p>The evaluation instant is the end of the newest one-minute bucket in the sums ({@code cursor + 1m}): the sums
 * cover exactly the window lengths up to it.
 * <ul>
 * <li>burn rate of window {@code W} = {@code (spend in W / W) / (budget / period length)}, computed exactly from the
 *     decimal sums and rounded once to a double (it is a ratio, not money); the period length is that of the
 *     actual period (30 days for November, 31 for December), so 1.0x is on pace to spend exactly the budget;</li>
 * <li>consumed = spend booked on the days of the current period (see {@link ScopeSpend});</li>
 * <li>projected = consumed + 6h spend x (time left in the period / 6h), at 12 decimal places half-even: the 6h rate
 *     ({@link BurnRateSettings#PROJECTION_WINDOW}) because a 10-minute spike should move the projection a little,
 *     not by 30 days' worth of itself, while a day-long change shows within hours;</li>
 * <li>stagesCrossed = the {@code alertAt} fractions {@code f} with {@code consumed >= f x budget} (exact);</li>
 * <li>each window's drivers: its costliest children and the rest ({@link BurnDrivers#top}).</li>
 * </ul>
 */
public final class BurnRateRecords {

    private static final long BUCKET_MS = BurnRateSettings.BUCKET.toMillis();

    private BurnRateRecords() {
    }

    /** Spend of the scope in the budget period holding the bucket at {@code cursor}. */
    public static BigDecimal consumed(String scope, Budget budget, long cursor, ScopeSpend spend) {
        BudgetPeriod period = BudgetPeriod.parse(budget.getPeriod());
        return spend.daysSum(scope, period.startOf(cursor), period.endOf(cursor));
    }

    /** The {@code alertAt} fractions {@code consumed} has reached, in order. */
    public static List<Double> stagesCrossed(Budget budget, BigDecimal consumed) {
        BigDecimal amount = Money.of(budget.getAmount());
        List<Double> stages = new ArrayList<>();
        for (Double stage : budget.getAlertAt()) {
            if (consumed.compareTo(amount.multiply(BigDecimal.valueOf(stage))) >= 0) {
                stages.add(stage);
            }
        }
        return stages;
    }

    /** The BurnRate of a scope whose sums are at the minute of stream time and whose period spend is known. */
    public static BurnRate evaluate(String scope, Budget budget, ScopeBurnState state, BigDecimal consumed) {
        BudgetPeriod period = BudgetPeriod.parse(budget.getPeriod());
        long cursor = state.getCursor();
        long evaluatedAt = cursor + BUCKET_MS;
        long periodStart = period.startOf(cursor);
        long periodEnd = period.endOf(cursor);
        BigDecimal amount = Money.of(budget.getAmount());

        List<BurnWindow> windows = new ArrayList<>();
        BigDecimal projectionSpend = Money.ZERO;
        for (int i = 0; i < BurnRateSettings.WINDOWS.size(); i++) {
            Duration window = BurnRateSettings.WINDOWS.get(i);
            TrailingSum sum = state.getSums().get(i);
            windows.add(new BurnWindow(sum.getWindow(), Money.of(sum.getSpend()),
                    burnRate(sum.getSpend(), window.toMillis(), amount, periodEnd - periodStart),
                    BurnDrivers.top(state, i, sum.getSpend())));
            if (window.equals(BurnRateSettings.PROJECTION_WINDOW)) {
                projectionSpend = sum.getSpend();
            }
        }
        long timeLeft = Math.max(0, periodEnd - evaluatedAt);
        BigDecimal projected = consumed.add(projectionSpend.multiply(BigDecimal.valueOf(timeLeft))
                .divide(BigDecimal.valueOf(BurnRateSettings.PROJECTION_WINDOW.toMillis()), Money.SCALE,
                        Money.ROUNDING));
        return BurnRate.newBuilder()
                .setScope(scope)
                .setCurrency(budget.getCurrency())
                .setBudgetAmount(amount)
                .setPeriod(period.name())
                .setPeriodStart(Instant.ofEpochMilli(periodStart))
                .setPeriodEnd(Instant.ofEpochMilli(periodEnd))
                .setEvaluatedAt(Instant.ofEpochMilli(evaluatedAt))
                .setConsumed(Money.of(consumed))
                .setProjectedPeriodSpend(Money.of(projected))
                .setWindows(windows)
                .setStagesCrossed(stagesCrossed(budget, consumed))
                .build();
    }

    /** {@code (spend / windowMs) / (budget / periodMs)} = {@code spend x periodMs / (windowMs x budget)}. */
    static double burnRate(BigDecimal spend, long windowMs, BigDecimal budget, long periodMs) {
        return spend.multiply(BigDecimal.valueOf(periodMs))
                .divide(budget.multiply(BigDecimal.valueOf(windowMs)), MathContext.DECIMAL64)
                .doubleValue();
    }
}
