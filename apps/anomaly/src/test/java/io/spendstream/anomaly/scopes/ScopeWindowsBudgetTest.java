package io.spendstream.anomaly.scopes;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.core.StateBudget;
import io.spendstream.schemas.Money;

/**
 * The scope windows stay one changelog record the producer can send (its default {@code max.request.size} is
 * 1 MiB), however many windows a catch-up hold keeps pending and however many services a window has: the
 * 100,000-resource bench died on a 1,070,683-byte record of this store, and every restart rebuilt it.
 */
class ScopeWindowsBudgetTest {

    private static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");
    private static final int PRODUCER_LIMIT = 1024 * 1024;
    private static final int DAY_OF_MINUTES = 1440;

    private final ScopeWindowsSerde serde = new ScopeWindowsSerde();

    @Test
    void shouldKeepATeamHeldForADayWithinTheBudgetWithItsNewestWindowsWholeAndExact() {
        ScopeWindowsRecord windows = ScopeWindows.empty();
        int services = 40;
        ScopeWindows.Total last = null;
        for (int m = 0; m < DAY_OF_MINUTES; m++) {
            for (int s = 0; s < services; s++) {
                last = ScopeWindows.add(windows, part(m, "checkout-service-" + s, "0.012345678901"), timeOf(m));
            }
        }

        byte[] bytes = serde.serializer().serialize("changelog", windows);
        assertThat(bytes.length).isLessThan(PRODUCER_LIMIT);
        // Unbounded, the day would be 1,440 windows of 40 parts: far over the limit.
        assertThat(windows.getWindows().size()).isLessThan(DAY_OF_MINUTES).isGreaterThan(60);
        assertThat(windows.getWindows().get(windows.getWindows().size() - 1).getWindowStart())
                .isEqualTo(timeOf(DAY_OF_MINUTES - 1));
        assertThat(last.cost()).isEqualByComparingTo(new BigDecimal("0.012345678901").multiply(BigDecimal.valueOf(40)));
        assertThat(last.parts()).hasSize(services);
        // A pending window dropped for the budget is no longer kept; a kept one and a new one are.
        long oldestKept = windows.getWindows().get(0).getWindowStart();
        assertThat(ScopeWindows.keeps(windows, timeOf(0), true)).isFalse();
        assertThat(ScopeWindows.keeps(windows, oldestKept, true)).isTrue();
        assertThat(ScopeWindows.keeps(windows, timeOf(DAY_OF_MINUTES), false)).isTrue();
    }

    @Test
    void shouldRefuseAServiceNewToAWindowThatHoldsItsBudgetAndStillTakeTheUpdatesOfItsServices() {
        ScopeWindowsRecord windows = ScopeWindows.empty();
        int taken = 0;
        while (taken < 20_000 && ScopeWindows.add(windows, part(0, "svc-" + taken, "1"), timeOf(0)) != null) {
            taken++;
        }

        assertThat(taken).isLessThan(20_000).isGreaterThan(1_000);
        assertThat(ScopeWindows.partsIn(windows, timeOf(0))).isEqualTo(taken);
        assertThat(serde.serializer().serialize("changelog", windows).length).isLessThan(PRODUCER_LIMIT);
        // A service the window already has is still summed: its latest cost replaces its earlier one.
        ScopeWindows.Total total = ScopeWindows.add(windows, part(0, "svc-0", "3"), timeOf(0) + 1);
        assertThat(total.cost()).isEqualByComparingTo(BigDecimal.valueOf(taken + 2L));
        // A new window starts with any service, and the full one is dropped once the two are over the budget.
        assertThat(ScopeWindows.add(windows, part(1, "svc-late", "1"), timeOf(1))).isNotNull();
        assertThat(windows.getWindows()).extracting(w -> w.getWindowStart()).containsExactly(timeOf(1));
    }

    @Test
    void shouldEstimateEveryPartFromAboveWhateverItsName() {
        // Three bytes per character is UTF-8's worst case: a window of such names stays within the estimate.
        ScopeWindowsRecord windows = ScopeWindows.empty();
        String wide = "\u6210\u672c".repeat(50);
        for (int s = 0; s < 10_000; s++) {
            ScopeWindows.add(windows, part(0, wide + s, "1"), timeOf(0));
        }
        assertThat(serde.serializer().serialize("changelog", windows).length)
                .isLessThan((int) StateBudget.RECORD_BYTES);
    }

    private static long timeOf(int minute) {
        return T0.plusSeconds(60L * minute).toEpochMilli();
    }

    private static ScopePartRecord part(int minute, String service, String cost) {
        long start = timeOf(minute);
        return ScopePartRecord.newBuilder().setPart(service).setWindowStart(start).setWindowEnd(start + 60_000)
                .setCurrency("USD").setCost(Money.of(cost)).setCoveredUntil(start + 60_000).setRequests(1_234)
                .setRequestsCoveredUntil(start + 60_000).build();
    }
}
