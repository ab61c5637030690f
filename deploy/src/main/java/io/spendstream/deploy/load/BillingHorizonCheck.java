package io.spendstream.deploy.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import io.spendstream.ingest.FocusTimestamps;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.Durations;

/**
 * Before a usage file is sent: which of its rows the pipeline would dead-letter as older than the billing horizon
 * ({@link BillingHorizon}: {@code spendstream.billing.horizon} behind the newest cost the attribution app has seen),
 * so that {@code spendstream load usage} can say so first, send only the rows that will count, and never report
 * success for rows the pipeline will drop.
 *
 * <p>The reference is the newer of the pipeline's position ({@link PipelinePosition}) and the file's own newest row:
 * loading the file moves the pipeline's stream time to its newest row, and rows are not loaded in time order, so a
 * row older than the horizon behind that point may be refused whatever its place in the file. On a fresh pipeline
 * the horizon therefore follows the file: any export no longer than the horizon loads whole, however old.
 *
 * @param horizon    the billing horizon in force (the pipeline's, as configured for this command)
 * @param reference  the newest event time the pipeline will have seen once the file is loaded
 * @param position   the pipeline's position before loading, or null when it has seen no cost yet
 * @param rows       rows with a readable ChargePeriodStart
 * @param oldest     the oldest ChargePeriodStart of the file, or null if none
 * @param outside    rows older than {@link #floor()}
 */
record BillingHorizonCheck(BillingHorizon horizon, Instant reference, Instant position, long rows, Instant oldest,
        long outside) {

    static final String CHARGE_PERIOD_START = "ChargePeriodStart";

    /** The oldest event time that still counts. */
    Instant floor() {
        return reference == null ? null : reference.minus(horizon.span());
    }

    boolean isOutside(Instant eventTime) {
        return reference != null && eventTime.isBefore(floor());
    }

    /**
     * The horizon that would take every row of the file: whole days from the oldest row to the reference, at
     * least the one in force.
     */
    Duration horizonForAll() {
        if (oldest == null || reference == null) {
            return horizon.span();
        }
        long days = Math.max(1, (Duration.between(oldest, reference).toHours() + 23) / 24 + 1);
        Duration needed = Duration.ofDays(days);
        return needed.compareTo(horizon.span()) > 0 ? needed : horizon.span();
    }

    /**
     * Reads every row's ChargePeriodStart (rows without one are left for the load to reject) and decides. A file
     * that cannot be read to its end is checked as far as it can be: the load itself then stops at the same place.
     */
    static BillingHorizonCheck of(Path file, BillingHorizon horizon, Instant position) {
        long[] times = new long[1024];
        int count = 0;
        try (RowSource source = RowSource.open(file)) {
            SourceItem item;
            while ((item = source.next()) != null) {
                if (item instanceof SourceItem.InputRow row) {
                    Instant start = chargePeriodStart(row);
                    if (start != null) {
                        if (count == times.length) {
                            times = Arrays.copyOf(times, count * 2);
                        }
                        times[count++] = start.toEpochMilli();
                    }
                }
            }
        } catch (IOException e) {
            // Checked up to the unreadable part; the load reports it with the line it stopped at.
        }
        return decide(Arrays.copyOf(times, count), horizon, position);
    }

    static BillingHorizonCheck decide(long[] eventTimes, BillingHorizon horizon, Instant position) {
        long newest = Long.MIN_VALUE;
        long oldest = Long.MAX_VALUE;
        for (long time : eventTimes) {
            newest = Math.max(newest, time);
            oldest = Math.min(oldest, time);
        }
        if (position != null) {
            newest = Math.max(newest, position.toEpochMilli());
        }
        Instant reference = newest == Long.MIN_VALUE ? null : Instant.ofEpochMilli(newest);
        long outside = 0;
        for (long time : eventTimes) {
            if (horizon.isOutside(time, newest)) {
                outside++;
            }
        }
        return new BillingHorizonCheck(horizon, reference, position, eventTimes.length,
                eventTimes.length == 0 ? null : Instant.ofEpochMilli(oldest), outside);
    }

    /** The row's ChargePeriodStart, or null when it has none the pipeline could read (the load rejects it). */
    static Instant chargePeriodStart(SourceItem.InputRow row) {
        String text = LoadJson.text(row.fields(), CHARGE_PERIOD_START);
        if (text == null) {
            return null;
        }
        try {
            return FocusTimestamps.parse(CHARGE_PERIOD_START, text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** What the user reads before anything is sent. */
    String describe() {
        StringBuilder text = new StringBuilder("Billing horizon ").append(Durations.format(horizon.span()))
                .append(": the pipeline ");
        text.append(position == null ? "has seen no cost yet" : "has seen cost up to " + position);
        if (reference == null) {
            return text.append("; the file has no row with a ChargePeriodStart.").toString();
        }
        text.append("; with this file it counts rows from ").append(floor()).append(" on. ");
        if (outside == 0) {
            return text.append("All ").append(rows).append(" rows are inside it.").toString();
        }
        return text.append(outside).append(" of ").append(rows).append(" rows (oldest ").append(oldest)
                .append(") are older: the pipeline would dead-letter them as ")
                .append(BillingHorizon.OUTSIDE_BILLING_HORIZON).append(", so they are not sent. ")
                .append(howToLoadAll()).toString();
    }

    /** The way to load the rows outside: widen the horizon on the apps and on this command. */
    String howToLoadAll() {
        String wider = BillingHorizon.KEY + "=" + Durations.format(horizonForAll());
        return "To load them, set " + wider + " on every Spendstream app (restart them with --set " + wider
                + ") and load again with --set " + wider + ".";
    }
}
