package io.spendstream.enrich;

import java.time.Duration;

/**
 * Decides from when a tag version is valid, i.e. the timestamp it is stored under in the versioned tag table.
 * A cost is joined with the version valid at the cost's own event time, so this is what makes "a tag change at
 * 10:00 does not re-attribute 09:00 costs" true.
 *
 * <ul>
 * <li>{@code validFrom} given: from then on (a back-dated correction or a scheduled re-tag both work).</li>
 * <li>No {@code validFrom}, first tags ever seen for the resource: from the start of the kept history. The tags
 * describe the resource as it has been; otherwise tags loaded at 10:20 would leave the 10:00-11:00 hourly row and
 * the whole of yesterday's (lagging) billing export untagged.</li>
 * <li>No {@code validFrom}, resource seen before: from the record's own timestamp (when the change was sent).</li>
 * <li>Delete: from the record's own timestamp; older costs keep the tags they had.</li>
 * </ul>
 *
 * <p>Every timestamp is kept at or after {@link #floor(long)}: the versioned store silently refuses versions
 * older than its history retention behind the newest version it has seen. The floor sits one margin (a day, or
 * half the history when that is shorter) inside the retention so that producer clocks and slightly future
 * {@code validFrom}s do not push a first version out.
 */
public final class TagVersionTime {

    private static final Duration MAX_MARGIN = Duration.ofDays(1);

    private final long history;
    private final long margin;

    public TagVersionTime(Duration history) {
        this.history = history.toMillis();
        this.margin = Math.min(MAX_MARGIN.toMillis(), this.history / 2);
    }

    /** When {@code update}, sent at {@code recordTimestamp}, starts to apply. */
    public long validFrom(TagUpdate update, long recordTimestamp, boolean resourceSeenBefore) {
        long floor = floor(recordTimestamp);
        if (update.isDelete()) {
            return Math.max(recordTimestamp, floor);
        }
        if (update.tags().getValidFrom() != null) {
            return Math.max(update.tags().getValidFrom().toEpochMilli(), floor);
        }
        return resourceSeenBefore ? Math.max(recordTimestamp, floor) : floor;
    }

    /** The oldest timestamp a version sent at {@code recordTimestamp} is stored under. */
    public long floor(long recordTimestamp) {
        return Math.max(0L, recordTimestamp - history + margin);
    }
}
