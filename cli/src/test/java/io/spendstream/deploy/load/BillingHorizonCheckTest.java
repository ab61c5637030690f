package io.spendstream.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.BillingHorizon;

class BillingHorizonCheckTest {

    private static final BillingHorizon HORIZON = new BillingHorizon(Duration.ofDays(65));
    private static final Instant JAN = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void shouldLetAFileInTimeOrderFollowItsOwnHorizonHoweverLongItIs() {
        BillingHorizonCheck.Decision decision = new BillingHorizonCheck.Decision(HORIZON, null);
        for (int month = 0; month < 12; month++) {
            decision.add(month + 2, JAN.plus(Duration.ofDays(31L * month)).toEpochMilli());
        }
        BillingHorizonCheck check = decision.result();

        assertThat(check.outside().cardinality()).isZero();
        assertThat(check.rows()).isEqualTo(12);
        assertThat(check.describe()).contains("has seen no cost yet", "All 12 rows are inside it.");
    }

    @Test
    void shouldHoldBackARowOlderThanTheHorizonBehindTheNewestBeforeItAndSayWhatWouldTakeIt() {
        BillingHorizonCheck.Decision decision = new BillingHorizonCheck.Decision(HORIZON, null);
        decision.add(2, JAN.plus(Duration.ofDays(100)).toEpochMilli());
        decision.add(3, JAN.plus(Duration.ofDays(35)).toEpochMilli());
        decision.add(4, JAN.toEpochMilli());
        BillingHorizonCheck check = decision.result();

        assertThat(check.isOutside(new SourceItem.InputRow(4, null))).isTrue();
        assertThat(check.isOutside(new SourceItem.InputRow(3, null))).as("exactly at the horizon").isFalse();
        assertThat(check.horizonForAll()).isEqualTo(Duration.ofDays(101));
        assertThat(check.describe()).contains("1 of 3 rows are older than 65d", "oldest 2025-01-01T00:00:00Z",
                "100d behind 2025-04-11T00:00:00Z", "outside-billing-horizon",
                "set spendstream.billing.horizon=101d on every Spendstream app");
    }

    @Test
    void shouldJudgeFromThePipelinesPositionWhenItIsAhead() {
        Instant position = Instant.parse("2026-11-30T00:00:00Z");
        BillingHorizonCheck.Decision decision = new BillingHorizonCheck.Decision(HORIZON, position);
        decision.add(2, position.minus(Duration.ofDays(20)).toEpochMilli());
        decision.add(3, position.minus(Duration.ofDays(66)).toEpochMilli());
        BillingHorizonCheck check = decision.result();

        assertThat(check.outside().stream().boxed()).containsExactly(3);
        assertThat(check.describe()).contains("has seen cost up to 2026-11-30T00:00:00Z", "1 of 2 rows");
    }
}
