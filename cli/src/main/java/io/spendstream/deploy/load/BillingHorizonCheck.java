package io.spendstream.deploy.load;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;

import io.spendstream.ingest.FocusTimestamps;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.Durations;
import io.spendstream.schemas.DeadLetterReasons;

/**
 * Before a usage file is sent: which of its rows the pipeline would dead-letter as older than the billing horizon
 * ({@link BillingHorizon}: {@code spendstream.billing.horizon} behind the newest cost the attribution app has seen),
 * so that {@code spendstream load usage} can say so first, send only the rows that will count, and never report
 * success for rows the pipeline will drop.
 *
 * <p>The check replays the pipeline's decision in file order: the newest time seen starts at the pipeline's position
 * ({@link PipelinePosition}) and moves with each row, and a row is outside when it is older than the horizon behind
 * the newest time seen before it (rows reach the pipeline in file order; across partitions the order is close to it,
 * as Kafka Streams takes the oldest buffered record first). On a fresh pipeline the horizon therefore follows the
 * file: an export in time order loads whole however long and old it is, and an unordered one loads whole when it
 * spans less than the horizon.
 *
 * @param horizon   the billing horizon in force (the pipeline's, as configured for this command)
 * @param position  the pipeline's position before loading, or null when it has seen no cost yet
 * @param rows      rows with a readable ChargePeriodStart
 * @param outside   the lines (as numbered in the file) of the rows that are outside
 * @param oldest    the oldest ChargePeriodStart of an outside row, or null when none is
 * @param reference the newest time seen when the oldest outside row came, or null when none is outside
 */
record BillingHorizonCheck(BillingHorizon horizon, Instant position, long rows, BitSet outside, Instant oldest,
        Instant reference) {

    static final String CHARGE_PERIOD_START = "ChargePeriodStart";

    boolean isOutside(SourceItem.InputRow row) {
        return row.line() <= Integer.MAX_VALUE && outside.get((int) row.line());
    }

    /** The horizon that would take every row of the file: whole days from the oldest outside row to its reference. */
    Duration horizonForAll() {
        if (oldest == null) {
            return horizon.span();
        }
        return Duration.ofDays((Duration.between(oldest, reference).toHours() + 23) / 24 + 1);
    }

    /**
     * Reads every row's ChargePeriodStart in file order (rows without one are left for the load to reject) and
     * decides. A file that cannot be read to its end is checked as far as it can be: the load itself then stops at
     * the same place.
     */
    static BillingHorizonCheck of(Path file, BillingHorizon horizon, Instant position) {
        Decision decision = new Decision(horizon, position);
        try (RowSource source = RowSource.open(file)) {
            SourceItem item;
            while ((item = source.next()) != null) {
                if (item instanceof SourceItem.InputRow row) {
                    Instant start = chargePeriodStart(row);
                    if (start != null) {
                        decision.add(row.line(), start.toEpochMilli());
                    }
                }
            }
        } catch (IOException e) {
            // Checked up to the unreadable part; the load reports it with the line it stopped at.
        }
        return decision.result();
    }

    /** The replay of the pipeline's decision, one row at a time in file order. */
    static final class Decision {

        private final BillingHorizon horizon;
        private final Instant position;
        private final BitSet outside = new BitSet();
        private long newest;
        private long rows;
        private long oldestOutside = Long.MAX_VALUE;
        private long referenceOfOldest;

        Decision(BillingHorizon horizon, Instant position) {
            this.horizon = horizon;
            this.position = position;
            this.newest = position == null ? Long.MIN_VALUE : position.toEpochMilli();
        }

        void add(long line, long eventTimeMs) {
            rows++;
            if (horizon.isOutside(eventTimeMs, newest)) {
                outside.set((int) Math.min(line, Integer.MAX_VALUE));
                if (eventTimeMs < oldestOutside) {
                    oldestOutside = eventTimeMs;
                    referenceOfOldest = newest;
                }
            }
            newest = Math.max(newest, eventTimeMs);
        }

        BillingHorizonCheck result() {
            boolean any = oldestOutside != Long.MAX_VALUE;
            return new BillingHorizonCheck(horizon, position, rows, outside,
                    any ? Instant.ofEpochMilli(oldestOutside) : null,
                    any ? Instant.ofEpochMilli(referenceOfOldest) : null);
        }
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
                .append(" (").append(BillingHorizon.KEY).append("): the pipeline ")
                .append(position == null ? "has seen no cost yet" : "has seen cost up to " + position).append(". ");
        int count = outside.cardinality();
        if (count == 0) {
            return text.append("All ").append(rows).append(" rows are inside it.").toString();
        }
        return text.append(count).append(" of ").append(rows).append(" rows are older than ")
                .append(Durations.format(horizon.span())).append(" behind the newest cost before them (oldest ")
                .append(oldest).append(", ").append(Durations.format(Duration.between(oldest, reference)
                        .truncatedTo(java.time.temporal.ChronoUnit.DAYS))).append(" behind ").append(reference)
                .append("): the pipeline would dead-letter them as ")
                .append(DeadLetterReasons.Attribution.OUTSIDE_BILLING_HORIZON)
                .append(", so they are not sent. ").append(howToLoadAll()).toString();
    }

    /** The way to load the rows outside: widen the horizon on the apps and on this command. */
    String howToLoadAll() {
        String wider = BillingHorizon.KEY + "=" + Durations.format(horizonForAll());
        return "To load them, set " + wider + " on every Spendstream app (restart them with --set " + wider
                + ") and load again with --set " + wider + ".";
    }
}
