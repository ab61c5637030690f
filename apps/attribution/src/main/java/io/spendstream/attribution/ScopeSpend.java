package io.spendstream.attribution;

import java.math.BigDecimal;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import io.spendstream.schemas.Money;

/**
 * Where the burn-rate processor books spend: per scope, one-minute buckets (store {@value #BUCKETS_STORE}, a RocksDB
 * window store kept for the longest trailing window plus max-spread) for the trailing sums, and daily totals (store
 * {@value #DAYS_STORE}, key {@code <scope>@<day start, 15 digits>}) for the spend of a whole budget period, which a
 * bucket store could only give by reading up to 527,040 minutes for a yearly budget.
 *
 * <p>Daily totals are kept for ever (one small entry per scope per day); buckets expire with the store's retention.
 */
public final class ScopeSpend {

    public static final String BUCKETS_STORE = "attribution-burn-rate-minutes";
    public static final String DAYS_STORE = "attribution-burn-rate-days";

    private static final long DAY_MS = 86_400_000L;
    private static final int DAY_DIGITS = 15;

    private final WindowStore<String, BigDecimal> buckets;
    private final KeyValueStore<String, BigDecimal> days;

    public ScopeSpend(WindowStore<String, BigDecimal> buckets, KeyValueStore<String, BigDecimal> days) {
        this.buckets = buckets;
        this.days = days;
    }

    /** Adds {@code amount} to the scope's bucket starting at {@code bucketStartMs}. */
    public void addToBucket(String scope, long bucketStartMs, BigDecimal amount) {
        buckets.put(scope, Money.add(buckets.fetch(scope, bucketStartMs), amount), bucketStartMs);
    }

    /** Adds {@code amount} to the total of the UTC day holding {@code timeMs}. */
    public void addToDay(String scope, long timeMs, BigDecimal amount) {
        String key = timeKey(scope, timeMs - Math.floorMod(timeMs, DAY_MS));
        days.put(key, Money.add(days.get(key), amount));
    }

    /** Sum of the scope's buckets starting in {@code [fromMs, toMs]}; zero for an empty range. */
    public BigDecimal bucketSum(String scope, long fromMs, long toMs) {
        BigDecimal sum = Money.ZERO;
        if (fromMs > toMs) {
            return sum;
        }
        try (WindowStoreIterator<BigDecimal> it = buckets.fetch(scope, fromMs, toMs)) {
            while (it.hasNext()) {
                sum = sum.add(it.next().value);
            }
        }
        return Money.of(sum);
    }

    /** Spend of the scope on the UTC days starting in {@code [fromMs, toMs)} (both at midnight). */
    public BigDecimal daysSum(String scope, long fromMs, long toMs) {
        BigDecimal sum = Money.ZERO;
        try (KeyValueIterator<String, BigDecimal> it = days.range(timeKey(scope, fromMs), timeKey(scope, toMs - 1))) {
            while (it.hasNext()) {
                sum = sum.add(it.next().value);
            }
        }
        return Money.of(sum);
    }

    /**
     * {@code <scope>@<timeMs>}, the time zero-padded to {@value #DAY_DIGITS} digits so the keys of one scope sort by
     * time in a store (epoch ms stay 13 digits until 2286): the day totals here, the value figures' unsettled windows.
     * Padded by hand: {@code String.format} was 4% of attribution's CPU (issue 7), and again in the value figures
     * (issue 18).
     */
    public static String timeKey(String scope, long timeMs) {
        if (timeMs < 0) {
            // Before 1970: keep the sign where String.format put it (never seen in billing data).
            return scope + "@" + String.format("%0" + DAY_DIGITS + "d", timeMs);
        }
        String digits = Long.toString(timeMs);
        StringBuilder key = new StringBuilder(scope.length() + 1 + DAY_DIGITS).append(scope).append('@');
        for (int i = digits.length(); i < DAY_DIGITS; i++) {
            key.append('0');
        }
        return key.append(digits).toString();
    }
}
