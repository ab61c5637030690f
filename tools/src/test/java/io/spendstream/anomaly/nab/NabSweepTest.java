package io.spendstream.anomaly.nab;

import static io.spendstream.anomaly.nab.SyntheticSeries.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class NabSweepTest {

    private final NabSweep sweep = SyntheticSeries.sweep("test/a.csv", 100, List.of(window(40, 49)), 0.0);

    @Test
    void shouldPutTheFirstFifteenPercentOfRowsInProbationUpTo750() {
        assertThat(NabSweep.probationRows(100)).isEqualTo(15);
        assertThat(NabSweep.probationRows(99)).isEqualTo(14);
        assertThat(NabSweep.probationRows(4999)).isEqualTo(749);
        assertThat(NabSweep.probationRows(5000)).isEqualTo(750);
        assertThat(NabSweep.probationRows(22695)).isEqualTo(750);
        assertThat(sweep.isScored(14)).isFalse();
        assertThat(sweep.isScored(15)).isTrue();
    }

    @Test
    void shouldFollowNabsScaledSigmoid() {
        assertThat(NabSweep.scaledSigmoid(-1.0)).isCloseTo(0.98661, within(1e-5));
        assertThat(NabSweep.scaledSigmoid(-0.5)).isCloseTo(0.84828, within(1e-5));
        assertThat(NabSweep.scaledSigmoid(0.0)).isZero();
        assertThat(NabSweep.scaledSigmoid(1.0)).isCloseTo(-0.98661, within(1e-5));
        assertThat(NabSweep.scaledSigmoid(2.999)).isGreaterThan(-1.0);
        assertThat(NabSweep.scaledSigmoid(3.0)).isEqualTo(-1.0);
    }

    @Test
    void shouldWorthTheFirstRowOfAWindowOneAndLaterRowsLess() {
        assertThat(sweep.windowOf(39)).isEqualTo(NabSweep.OUTSIDE);
        assertThat(sweep.windowOf(40)).isZero();
        assertThat(sweep.windowOf(49)).isZero();
        assertThat(sweep.windowOf(50)).isEqualTo(NabSweep.OUTSIDE);

        assertThat(sweep.worth(40)).isCloseTo(1.0, within(1e-12));
        assertThat(sweep.worth(45)).isGreaterThan(sweep.worth(46));
        // Last row: position -(R - i + 1) / W = -1/10.
        assertThat(sweep.worth(49)).isCloseTo(NabSweep.scaledSigmoid(-0.1) / NabSweep.scaledSigmoid(-1.0), within(1e-12));
    }

    @Test
    void shouldChargeAFalsePositiveLessRightAfterAWindowThanFarFromIt() {
        // Before the first window: the full FP cost.
        assertThat(sweep.worth(30)).isEqualTo(-1.0);
        // Right after: |i - R'| / (W' - 1) = 1/9.
        assertThat(sweep.worth(50)).isCloseTo(NabSweep.scaledSigmoid(1.0 / 9), within(1e-12)).isGreaterThan(-0.3);
        assertThat(sweep.worth(60)).isLessThan(sweep.worth(50));
        // Three window widths on: the full cost again.
        assertThat(sweep.worth(49 + 27)).isEqualTo(-1.0);
    }

    @Test
    void shouldRejectAWindowThatDoesNotStartOnARow() {
        NabWindow offGrid = new NabWindow(SyntheticSeries.at(40).plusMinutes(1), SyntheticSeries.at(49));

        assertThatThrownBy(() -> SyntheticSeries.sweep("test/a.csv", 100, List.of(offGrid), 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test/a.csv");
    }
}
