package io.spendstream.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Date/time columns in the forms billing exports and collectors actually write, read as UTC instants:
 * <ul>
 *   <li>ISO-8601 with {@code T} or a space between date and time, seconds and fraction optional, and an optional
 *       zone: {@code Z}, {@code +02:00}, {@code +0200} or {@code +02}. {@code 2024-09-18 22:00:00} (the FOCUS sample
 *       export), {@code 2024-09-18T22:00:00Z} and {@code 2024-09-19T00:00:00+02:00} are the same instant.</li>
 *   <li>A date alone, {@code 2024-09-18}: midnight UTC.</li>
 *   <li>US month/day/year, {@code 4/1/25} or {@code 4/1/2025}, optionally with {@code H:mm[:ss]}: the FOCUS
 *       specification's examples are written this way. Two-digit years are 20yy. Day-first dates are not supported:
 *       {@code 5/1/25} is always 1 May 2025.</li>
 * </ul>
 * Without a zone the time is UTC, as FOCUS requires. Impossible dates (30 February, hour 24) are rejected.
 */
public final class FocusTimestamps {

    private static final Pattern ISO = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})(?:[Tt ](\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?)([Zz]|[+-]\\d{2}(?::?\\d{2})?)?)?");

    private static final Pattern US = Pattern.compile(
            "(\\d{1,2})/(\\d{1,2})/(\\d{2}|\\d{4})(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2}))?)?");

    /**
     * The texts last parsed on this thread: the rows of one export share a handful of period boundaries, and the
     * regular expressions were 9% of ingest's processing (issue 7). Only successful parses are kept.
     */
    private static final ThreadLocal<Recent> RECENT = ThreadLocal.withInitial(Recent::new);

    private FocusTimestamps() {
    }

    /** The instant {@code text} denotes; {@code field} names the column in the rejection message. */
    public static Instant parse(String field, String text) {
        Recent recent = RECENT.get();
        Instant known = recent.get(text);
        if (known != null) {
            return known;
        }
        Instant parsed = parseText(field, text);
        recent.put(text, parsed);
        return parsed;
    }

    private static Instant parseText(String field, String text) {
        String trimmed = text.trim();
        try {
            Matcher iso = ISO.matcher(trimmed);
            if (iso.matches()) {
                return iso(iso);
            }
            Matcher us = US.matcher(trimmed);
            if (us.matches()) {
                return us(us);
            }
        } catch (DateTimeException e) {
            throw new RejectedRecordException(Ingest.INVALID_TIMESTAMP,
                    field + ": " + JsonText.quote(text) + " is not a valid date/time (" + e.getMessage() + ")", e);
        }
        throw new RejectedRecordException(Ingest.INVALID_TIMESTAMP, field + ": " + JsonText.quote(text)
                + " is not a date/time in a supported form (e.g. 2024-09-18T22:00:00Z or 2024-09-18 22:00:00)");
    }

    private static Instant iso(Matcher m) {
        LocalDate date = LocalDate.parse(m.group(1));
        if (m.group(2) == null) {
            return date.atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        LocalDateTime local = LocalDateTime.of(date, LocalTime.parse(m.group(2)));
        String zone = m.group(3);
        ZoneOffset offset = zone == null || zone.equalsIgnoreCase("Z") ? ZoneOffset.UTC : ZoneOffset.of(zone);
        return local.toInstant(offset);
    }

    private static Instant us(Matcher m) {
        int year = Integer.parseInt(m.group(3));
        LocalDate date = LocalDate.of(year < 100 ? 2000 + year : year, Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)));
        LocalTime time = m.group(4) == null ? LocalTime.MIDNIGHT
                : LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
        return LocalDateTime.of(date, time).toInstant(ZoneOffset.UTC);
    }

    /** A few texts and their instants, the oldest replaced first. */
    private static final class Recent {

        private static final int SIZE = 8;

        private final String[] texts = new String[SIZE];
        private final Instant[] instants = new Instant[SIZE];
        private int next;

        Instant get(String text) {
            for (int i = 0; i < SIZE; i++) {
                if (text.equals(texts[i])) {
                    return instants[i];
                }
            }
            return null;
        }

        void put(String text, Instant instant) {
            texts[next] = text;
            instants[next] = instant;
            next = (next + 1) % SIZE;
        }
    }
}
