package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.schemas.Money;

/**
 * Spreads a cost row over the windows its charge period covers, in proportion to the overlap, so that a one-minute
 * window carries 1/60 of an hourly row.
 *
 * <p>Exact: every part but the last is {@code amount * overlap / period} at {@link Money#SCALE} decimal places
 * (half-even); the last part is the amount minus the others, so the parts always sum back to the row to the last
 * digit (the last part absorbs at most a few 10^-12 of rounding).
 *
 * <p>Bounded: a row whose charge period is longer than {@code maxSpread} (monthly fees, purchases), or has no
 * length at all, is one part booked whole in the window of its ChargePeriodStart. This caps the parts per row at
 * {@code maxSpread / window + 1} (1,441 for a day of one-minute windows rather than 43,200 for a month) and keeps
 * every part within {@code maxSpread} of the row's start, which is what lets the window store bound its retention.
 *
 * <p>Coarser windows ({@link #rollUp}) are sums of the parts of the finest windows, never a second spreading: a
 * daily row spread directly over hours would round each hour differently from the sum of its 60 minutes.
 */
public final class ChargePeriodSpreader {

    /** One window's share of a row. */
    public record Part(long windowStartMs, BigDecimal amount) {
    }

    private final WindowGrid grid;
    private final long maxSpreadMs;

    public ChargePeriodSpreader(WindowGrid grid, Duration maxSpread) {
        this.grid = grid;
        this.maxSpreadMs = maxSpread.toMillis();
    }

    /** True when a row with this charge period is spread over several windows' worth of time. */
    public boolean spreads(Instant start, Instant end) {
        long length = end.toEpochMilli() - start.toEpochMilli();
        return length > 0 && length <= maxSpreadMs;
    }

    /** The parts of {@code amount} for the charge period {@code [start, end)}, in window order. */
    public List<Part> spread(BigDecimal amount, Instant start, Instant end) {
        BigDecimal total = Money.of(amount);
        long startMs = start.toEpochMilli();
        long endMs = end.toEpochMilli();
        long firstWindow = grid.startOf(startMs);
        if (!spreads(start, end)) {
            return List.of(new Part(firstWindow, total));
        }
        long size = grid.sizeMs();
        BigDecimal length = BigDecimal.valueOf(endMs - startMs);
        List<Part> parts = new ArrayList<>();
        BigDecimal booked = BigDecimal.ZERO;
        for (long window = firstWindow; window < endMs; window += size) {
            boolean last = window + size >= endMs;
            BigDecimal part;
            if (last) {
                part = total.subtract(booked);
            } else {
                long overlap = Math.min(endMs, window + size) - Math.max(startMs, window);
                part = total.multiply(BigDecimal.valueOf(overlap)).divide(length, Money.SCALE, Money.ROUNDING);
            }
            booked = booked.add(part);
            parts.add(new Part(window, Money.of(part)));
        }
        return parts;
    }

    /**
     * {@code parts} (in window order, on a finer grid that nests in {@code coarser}) summed per window of
     * {@code coarser}: exact, so a coarse part is to the last digit the sum of the fine parts inside it.
     */
    public static List<Part> rollUp(List<Part> parts, WindowGrid coarser) {
        List<Part> rolled = new ArrayList<>();
        for (Part part : parts) {
            long window = coarser.startOf(part.windowStartMs());
            int last = rolled.size() - 1;
            if (last >= 0 && rolled.get(last).windowStartMs() == window) {
                rolled.set(last, new Part(window, Money.add(rolled.get(last).amount(), part.amount())));
            } else {
                rolled.add(new Part(window, part.amount()));
            }
        }
        return rolled;
    }
}
