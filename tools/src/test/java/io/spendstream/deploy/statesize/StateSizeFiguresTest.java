package io.spendstream.deploy.statesize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StateSizeFiguresTest {

    /** A store of 10 bytes per scope that does not grow, plus {@code perHour} bytes (1 entry) per scope-hour. */
    private static StateSizeFigures.Point point(int scopes, long hours, double perHour) {
        return pointOfBytes(scopes, hours, Math.round(scopes * (10 + perHour * hours)));
    }

    private static StateSizeFigures.Point pointOfBytes(int scopes, long hours, long bytes) {
        return new StateSizeFigures.Point(scopes, hours,
                Map.of("app/store", new StoreSizes.Size(scopes * hours, bytes, 2 * bytes, scopes * hours)));
    }

    @Test
    void shouldSplitGrowthPerScopeHourFromThePartThatDoesNotGrowAndCapItAtTheRetention() {
        List<StateSizeFigures.StoreFigures> figures = StateSizeFigures.figures(point(10, 8, 100), point(10, 10, 100),
                point(10, 12, 100), point(40, 8, 100), point(40, 10, 100), store -> Duration.ofHours(24));

        StateSizeFigures.StoreFigures store = figures.get(0);
        assertThat(store.bytesPerScopeHour()).isCloseTo(100, within(1e-9));
        assertThat(store.fixedBytesPerScope()).isCloseTo(10, within(1e-9));
        assertThat(store.entriesPerScopeHour()).isCloseTo(1, within(1e-9));
        assertThat(store.durationCheck()).isCloseTo(1, within(1e-9));
        assertThat(store.scopeCheck()).isCloseTo(1, within(1e-9));
        // 100,000 scopes x (10 + 100 x min(730 h, 24 h retention))
        assertThat(store.bytes(100_000, 730)).isCloseTo(100_000 * (10 + 100 * 24.0), within(1e-3));
        assertThat(store.bytes(100_000, 12)).isCloseTo(100_000 * (10 + 100 * 12.0), within(1e-3));
    }

    @Test
    void shouldReportANonLinearStoreInItsChecks() {
        List<StateSizeFigures.StoreFigures> figures = StateSizeFigures.figures(point(10, 8, 100), point(10, 10, 100),
                // 10 scopes x 2 h x 150 B more in the second interval than at 10 h: 1.5x the first interval's 100
                pointOfBytes(10, 12, 10 * (10 + 100 * 10L) + 10 * 2 * 150L), point(40, 8, 50), point(40, 10, 50), store -> null);

        StateSizeFigures.StoreFigures store = figures.get(0);
        assertThat(store.durationCheck()).as("second half grew 1.5x the first").isCloseTo(1.5, within(1e-3));
        assertThat(store.scopeCheck()).as("growth per scope-hour at 40 scopes / at 10").isLessThan(1);
        assertThat(store.retention()).isNull();
        assertThat(store.heldHours(730)).isEqualTo(730);
    }

    @Test
    void shouldNameWindowSegmentsAndKeyValueStoresByStoreAndSkipGlobalStores() {
        assertThat(StoreSizes.storeName(Path.of("attribution/spendstream-attribution/0_0/rocksdb/allocation-entries")))
                .isEqualTo("attribution/allocation-entries");
        assertThat(StoreSizes.storeName(Path.of(
                "attribution/spendstream-attribution/0_0/unit-cost-1h/unit-cost-1h.1764201600000")))
                .isEqualTo("attribution/unit-cost-1h");
        assertThat(StoreSizes.storeName(Path.of("ingest/spendstream-ingest/global/rocksdb/prices"))).isNull();
    }

    @Test
    void shouldFormatBytesAndCounts() {
        assertThat(StateSizeFigures.bytes(512)).isEqualTo("512 B");
        assertThat(StateSizeFigures.bytes(1536)).isEqualTo("1.50 KiB");
        assertThat(StateSizeFigures.bytes(99.5 * 1024 * 1024 * 1024)).isEqualTo("99.5 GiB");
        assertThat(StateSizeFigures.count(61.2)).isEqualTo("61.20");
        assertThat(StateSizeFigures.count(132_000)).isEqualTo("132,000");
        assertThat(StateSizeFigures.count(440_700_000)).isEqualTo("440.7 M");
        assertThat(StateSizeFigures.check(Double.NaN)).isEqualTo("-");
    }
}
