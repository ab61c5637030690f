package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class BudgetPeriodTest {

    private static final long T = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    @Test
    void shouldBoundCalendarPeriodsInUtc() {
        assertThat(bounds(BudgetPeriod.MONTH)).containsExactly("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
        assertThat(bounds(BudgetPeriod.DAY)).containsExactly("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");
        assertThat(bounds(BudgetPeriod.WEEK)).containsExactly("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z");
        assertThat(bounds(BudgetPeriod.QUARTER)).containsExactly("2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z");
        assertThat(bounds(BudgetPeriod.YEAR)).containsExactly("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    }

    @Test
    void shouldParsePeriodNamesCaseInsensitively() {
        assertThat(BudgetPeriod.parse("month")).isEqualTo(BudgetPeriod.MONTH);
        assertThat(BudgetPeriod.parse("FORTNIGHT")).isNull();
    }

    private static String[] bounds(BudgetPeriod period) {
        return new String[] {Instant.ofEpochMilli(period.startOf(T)).toString(),
                Instant.ofEpochMilli(period.endOf(T)).toString()};
    }
}
