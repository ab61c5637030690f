package io.spendstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

class FocusTimestampsTest {

    private static final Instant EXPECTED = Instant.parse("2024-09-18T22:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {
        "2024-09-18 22:00:00",
        "2024-09-18T22:00:00Z",
        "2024-09-18T22:00:00",
        "2024-09-18T22:00Z",
        "2024-09-18T22:00:00.000Z",
        "2024-09-18t22:00:00z",
        "2024-09-19T00:00:00+02:00",
        "2024-09-19T00:00:00+0200",
        "2024-09-18T17:00:00-05",
        "2024-09-18 22:00:00+00:00",
        "  2024-09-18 22:00:00  ",
        "9/18/2024 22:00",
        "9/18/24 22:00:00"
    })
    void shouldReadEveryProviderFormAsTheSameUtcInstant(String text) {
        assertThat(FocusTimestamps.parse("ChargePeriodStart", text)).isEqualTo(EXPECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-09-18", "9/18/24", "09/18/2024"})
    void shouldReadADateAloneAsMidnightUtc(String text) {
        assertThat(FocusTimestamps.parse("ChargePeriodStart", text)).isEqualTo(Instant.parse("2024-09-18T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2024-13-01", "2024-02-30T00:00:00Z", "2024-09-18T24:00:00Z", "2024-09-18T22:00:00+25:00",
        "2024-09-18T22:00:00ZZ", "18.09.2024", "13/1/25", "1726696800000", "tomorrow", "", "2024-9-18"
    })
    void shouldRejectAnythingElseNamingTheFieldAndValue(String text) {
        assertThatThrownBy(() -> FocusTimestamps.parse("ChargePeriodEnd", text))
                .isInstanceOfSatisfying(RejectedRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(Ingest.INVALID_TIMESTAMP))
                .hasMessageContaining("ChargePeriodEnd: '" + text + "'");
    }

    @Test
    void shouldGiveEachTextItsOwnInstantWhileRecentTextsAreKept() {
        // More distinct texts than are kept, twice over, interleaved with rejections that must never be kept.
        for (int round = 0; round < 2; round++) {
            for (int hour = 0; hour < 12; hour++) {
                String text = String.format("2024-09-18T%02d:00:00Z", hour);
                assertThat(FocusTimestamps.parse("ChargePeriodStart", text))
                        .isEqualTo(Instant.parse("2024-09-18T00:00:00Z").plusSeconds(3600L * hour));
                assertThatThrownBy(() -> FocusTimestamps.parse("ChargePeriodEnd", "2024-02-30T00:00:00Z"))
                        .isInstanceOf(RejectedRecordException.class);
            }
        }
    }
}
