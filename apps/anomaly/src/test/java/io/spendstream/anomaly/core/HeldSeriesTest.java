package io.spendstream.anomaly.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class HeldSeriesTest {

    private static Record<String, String> record(String key, long timestamp) {
        return new Record<>(key, "update of " + key, timestamp);
    }

    @Test
    void shouldKeepTheLastRecordOfEachHeldSeriesAndForgetASeriesOnceItIsNoLongerHeld() {
        HeldSeries<String> held = new HeldSeries<>();
        held.track("checkout", true, record("checkout", 1));
        held.track("search", true, record("search", 2));
        held.track("checkout", true, record("checkout", 3));
        held.track("search", false, record("search", 4));

        assertThat(held.size()).isEqualTo(1);
        assertThat(held.takeAll()).singleElement().satisfies(series -> {
            assertThat(series.key()).isEqualTo("checkout");
            assertThat(series.lastRecord().timestamp()).isEqualTo(3);
        });
        assertThat(held.isEmpty()).as("each series is released once").isTrue();
    }

    @Test
    void shouldForgetEverySeriesWhenTheTaskIsOpenedAgain() {
        HeldSeries<String> held = new HeldSeries<>();
        held.track("checkout", true, record("checkout", 1));

        held.clear();

        assertThat(held.takeAll()).isEmpty();
    }
}
