package io.spendstream.attribution;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * The calendar period a budget is for, in UTC: the period holding an instant, and its bounds. A month is a calendar
 * month (28 to 31 days), so burn rate 1.0x means "on pace to spend exactly the budget by the end of this month",
 * however long the month is. Weeks start on Monday (ISO-8601).
 */
public enum BudgetPeriod {
    DAY, WEEK, MONTH, QUARTER, YEAR;

    /** The period named by a budget's {@code period} field (case-insensitive), or null if there is none such. */
    public static BudgetPeriod parse(String text) {
        for (BudgetPeriod period : values()) {
            if (period.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
                return period;
            }
        }
        return null;
    }

    /** Start (inclusive, a UTC midnight) of the period holding {@code instantMs}. */
    public long startOf(long instantMs) {
        LocalDate day = Instant.ofEpochMilli(instantMs).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate first = switch (this) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
            case QUARTER -> day.withDayOfMonth(1).withMonth(((day.getMonthValue() - 1) / 3) * 3 + 1);
            case YEAR -> day.withDayOfYear(1);
        };
        return epochMs(first);
    }

    /** End (exclusive) of the period holding {@code instantMs}. */
    public long endOf(long instantMs) {
        LocalDate first = Instant.ofEpochMilli(startOf(instantMs)).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate next = switch (this) {
            case DAY -> first.plusDays(1);
            case WEEK -> first.plusWeeks(1);
            case MONTH -> first.plusMonths(1);
            case QUARTER -> first.plusMonths(3);
            case YEAR -> first.plusYears(1);
        };
        return epochMs(next);
    }

    private static long epochMs(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
