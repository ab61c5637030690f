package io.spendstream.anomaly.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How much of a window a cost so far covers, for one series and for a sum of parts. */
class ChargeCoverageTest {

    private static final long START = 1_795_433_400_000L;
    private static final long SIZE = 60_000;
    private static final long END = START + SIZE;
    private static final ChargeCoverage COVERAGE = new ChargeCoverage(0.25);

    @Test
    void shouldTakeTheRowsCoverageOverTheEventTimeAndFloorTheUnknown() {
        // A per-minute row stamped at the minute's start covers the whole minute.
        assertThat(COVERAGE.fraction(START, END, END, START)).isEqualTo(1.0);
        assertThat(COVERAGE.fraction(START, END, START + SIZE / 2, START)).isEqualTo(0.5);
        // Not known: the event time, at least the floor.
        assertThat(COVERAGE.fraction(START, END, null, START)).isEqualTo(0.25);
        assertThat(COVERAGE.fraction(START, END, null, START + 45_000)).isEqualTo(0.75);
    }

    @Test
    void shouldCoverAWholeWindowWhenEveryPartDoesWhateverTheirEventTimes() {
        List<ChargeCoverage.Part> parts = List.of(part("3.5", END, START), part("0.2", END, START));

        assertThat(COVERAGE.coveredUntil(START, END, parts, START - SIZE, List.of())).isEqualTo(END);
    }

    @Test
    void shouldMakeTheSumsRateTheSumOfThePartsRates() {
        // 1.0 over half the window (2.0 a window) and 2.0 over all of it: 4.0 a window for 3.0 so far.
        List<ChargeCoverage.Part> parts = List.of(part("1.0", START + SIZE / 2, START), part("2.0", END, START));

        long covered = COVERAGE.coveredUntil(START, END, parts, START - SIZE, List.of());

        assertThat(3.0 / COVERAGE.fraction(START, END, covered, START)).isCloseTo(4.0, within(1e-3));
    }

    @Test
    void shouldRoundAWholeWindowPartOfMoreThanSixteenDigitsAsTheDivisionDoes() {
        // 12345.678901234567 (17 digits) over the whole window counts as 12345.67890123457 (DECIMAL64), plus 1.0
        // over half the window (2.0 a window): 12346.678901234567 so far of 12347.67890123457 a window, 0.99991901.
        List<ChargeCoverage.Part> parts = List.of(part("12345.678901234567", END, START),
                part("1", START + SIZE / 2, START));

        assertThat(COVERAGE.coveredUntil(START, END, parts, START - SIZE, List.of())).isEqualTo(START + 59_996);
    }

    @Test
    void shouldTakeAPartNotReportedYetAtItsRateOfTheWindowBefore() {
        // 3.0 reported for the whole window; another part had 1.0 over the whole window before: 4.0 a window.
        long covered = COVERAGE.coveredUntil(START, END, List.of(part("3.0", END, START)), START - SIZE,
                List.of(part("1.0", START, START - SIZE)));

        assertThat(3.0 / COVERAGE.fraction(START, END, covered, START)).isCloseTo(4.0, within(1e-3));
    }

    @Test
    void shouldNeverProjectBeyondTheFurthestPartWhenACreditIsInTheSum() {
        List<ChargeCoverage.Part> parts = List.of(part("5.0", START + SIZE / 2, START), part("-1.0", END, START));

        assertThat(COVERAGE.coveredUntil(START, END, parts, START - SIZE, List.of())).isEqualTo(END);
        assertThat(COVERAGE.coveredUntil(START, END, List.of(), START - SIZE, List.of())).isNull();
    }

    private static ChargeCoverage.Part part(String cost, Long coveredUntil, long lastTimestamp) {
        return new ChargeCoverage.Part(new BigDecimal(cost), coveredUntil, lastTimestamp);
    }
}
