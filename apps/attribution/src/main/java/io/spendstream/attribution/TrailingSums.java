package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.attribution.avro.ScopeBurnState;
import io.spendstream.attribution.avro.TrailingSum;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.Money;

/**
 * Keeps a scope's spend over each trailing window ({@link BurnRateSettings#WINDOWS}) without re-reading the windows:
 * the sum of window {@code W} is the sum of the one-minute buckets starting in {@code (cursor - W, cursor]}.
 *
 * <p>When the cursor moves from {@code c} to {@code c'}, the buckets starting in {@code (c, c']} enter every window
 * and those in {@code (c - W, c' - W]} leave it; a part booked into a bucket already inside a window is added to that
 * window directly. Each bucket is thus added once and subtracted once per window, exactly (BigDecimal), so a sum
 * never drifts; a jump longer than a window re-reads that window instead. Buckets ahead of the cursor (the future
 * parts of a spread row) enter when the cursor reaches them.
 */
public final class TrailingSums {

    private static final long BUCKET_MS = BurnRateSettings.BUCKET.toMillis();

    private final ScopeSpend spend;

    public TrailingSums(ScopeSpend spend) {
        this.spend = spend;
    }

    /** The state of a scope seen for the first time, its sums read from the buckets up to {@code cursor}. */
    public ScopeBurnState start(String scope, long cursor) {
        return ScopeBurnState.newBuilder().setCursor(cursor).setSums(startSums(scope, cursor)).build();
    }

    /** The sums of the key's buckets up to {@code cursor}, one per window. */
    public List<TrailingSum> startSums(String key, long cursor) {
        List<TrailingSum> sums = new ArrayList<>();
        for (Duration window : BurnRateSettings.WINDOWS) {
            sums.add(new TrailingSum(Durations.format(window), spend.bucketSum(key, firstBucket(cursor, window),
                    cursor)));
        }
        return sums;
    }

    /** Moves the state's cursor forward to {@code cursor} (never back), updating every sum. */
    public void advance(String scope, ScopeBurnState state, long cursor) {
        if (cursor <= state.getCursor()) {
            return;
        }
        advanceSums(scope, state.getSums(), state.getCursor(), cursor);
        state.setCursor(cursor);
    }

    /** Moves the key's sums from the cursor {@code from} forward to {@code cursor}. */
    public void advanceSums(String key, List<TrailingSum> sums, long from, long cursor) {
        if (cursor <= from) {
            return;
        }
        BigDecimal entering = null;
        for (int i = 0; i < BurnRateSettings.WINDOWS.size(); i++) {
            Duration window = BurnRateSettings.WINDOWS.get(i);
            TrailingSum sum = sums.get(i);
            if (cursor - from >= window.toMillis()) {
                sum.setSpend(spend.bucketSum(key, firstBucket(cursor, window), cursor));
            } else {
                // The same buckets enter every window: read them once.
                entering = entering != null ? entering : spend.bucketSum(key, from + BUCKET_MS, cursor);
                BigDecimal leaving = spend.bucketSum(key, firstBucket(from, window), cursor - window.toMillis());
                sum.setSpend(Money.of(sum.getSpend().add(entering).subtract(leaving)));
            }
        }
    }

    /** Adds a part just booked into the bucket starting at {@code bucketStartMs} to the windows that hold it. */
    public void addPart(ScopeBurnState state, long bucketStartMs, BigDecimal amount) {
        addPart(state.getSums(), state.getCursor(), bucketStartMs, amount);
    }

    /** The same for sums at {@code cursor}. */
    public static void addPart(List<TrailingSum> sums, long cursor, long bucketStartMs, BigDecimal amount) {
        if (bucketStartMs > cursor) {
            return;
        }
        for (int i = 0; i < BurnRateSettings.WINDOWS.size(); i++) {
            if (bucketStartMs >= firstBucket(cursor, BurnRateSettings.WINDOWS.get(i))) {
                TrailingSum sum = sums.get(i);
                sum.setSpend(Money.add(sum.getSpend(), amount));
            }
        }
    }

    /** Start of the oldest bucket in the window ending with the bucket at {@code cursor}. */
    private static long firstBucket(long cursor, Duration window) {
        return cursor - window.toMillis() + BUCKET_MS;
    }
}
