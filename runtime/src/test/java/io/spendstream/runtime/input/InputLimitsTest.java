package io.spendstream.runtime.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons;

class InputLimitsTest {

    private static final long SENT = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();

    private final InputLimits limits = InputLimits.DEFAULTS;

    @Test
    void shouldAcceptTextUpToTheLimitAndRejectLongerWithoutQuotingIt() {
        assertThat(limits.text("service", "s".repeat(2048))).hasSize(2048);
        assertThat(limits.text("service", null)).isNull();
        assertThatThrownBy(() -> limits.text("service", "s".repeat(900_000)))
                .isInstanceOfSatisfying(RejectedRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.FIELD_TOO_LONG);
                    assertThat(e.getMessage()).isEqualTo("service is 900000 characters long; text fields and keys"
                            + " are limited to 2048 (spendstream.input.max-text-length) because they become keys and"
                            + " labels downstream");
                });
    }

    @Test
    void shouldKeepRecordTimesInsideWhatTheBrokerAccepts() {
        assertThat(limits.recordTime("windowStart", Instant.ofEpochMilli(SENT).plus(Duration.ofHours(1)), SENT))
                .isEqualTo(Instant.parse("2026-11-23T11:00:00Z"));
        assertReason(() -> limits.recordTime("windowStart", Instant.parse("2026-11-23T11:00:00.001Z"), SENT),
                "windowStart 2026-11-23T11:00:00.001Z is more than 60 minutes after the record's timestamp");
        assertReason(() -> limits.recordTime("validFrom", Instant.parse("9999-12-31T23:59:59Z"), SENT),
                "validFrom 9999-12-31T23:59:59Z is outside [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)");
        assertReason(() -> limits.recordTime("windowStart", Instant.parse("1999-12-31T23:59:59Z"), SENT),
                "is outside");
        // Without a record timestamp only the fixed range applies.
        assertThat(limits.recordTime("windowStart", Instant.parse("2099-01-01T00:00:00Z"), -1L))
                .isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
    }

    @Test
    void shouldBoundOnlyTheFutureForTimesThatMayLieInThePast() {
        assertThat(limits.notAhead("validFrom", Instant.EPOCH, SENT)).isEqualTo(Instant.EPOCH);
        assertReason(() -> limits.notAhead("validFrom", Instant.parse("2100-01-01T00:00:00Z"), -1L),
                "validFrom 2100-01-01T00:00:00Z is not before 2100-01-01T00:00:00Z");
        assertReason(() -> limits.notAhead("validFrom", Instant.ofEpochMilli(SENT).plus(Duration.ofDays(2)), SENT),
                "is more than 60 minutes after");
    }

    @Test
    void shouldReadConfiguredLimitsAndRefuseNonsense() {
        InputLimits configured = InputLimits.from(new SpendstreamConfig(Map.of(InputLimits.MAX_TEXT_LENGTH, "4096",
                InputLimits.FUTURE_TOLERANCE, "10m")));
        assertThat(configured).isEqualTo(new InputLimits(4096, Duration.ofMinutes(10)));
        assertThat(InputLimits.from(new SpendstreamConfig(Map.of()))).isEqualTo(InputLimits.DEFAULTS);
        assertThatThrownBy(() -> InputLimits.from(new SpendstreamConfig(Map.of(InputLimits.MAX_TEXT_LENGTH, "0"))))
                .hasMessageContaining(InputLimits.MAX_TEXT_LENGTH);
    }

    private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RejectedRecordException.class, e -> {
            assertThat(e.reason()).isEqualTo(DeadLetterReasons.Any.TIMESTAMP_OUT_OF_RANGE);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
