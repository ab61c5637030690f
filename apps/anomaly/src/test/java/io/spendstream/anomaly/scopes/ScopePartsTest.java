package io.spendstream.anomaly.scopes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ScopePartCostRecord;
import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.anomaly.avro.ScopeWindowsRecord;
import io.spendstream.anomaly.detector.ChargeCoverage;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

class ScopePartsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Set<DetectionScope> ALL = EnumSet.allOf(DetectionScope.class);

    @Test
    void shouldCutAnUpdateIntoItsTeamResourceAndSkuPartsSkippingTheRemainderAndChildrenWithoutId() {
        UnitCost cost = unitCost("recs", "ml", "1.50", List.of(
                child("resource", "gpu-pool", "1.00"), child("resource", "(none)", "0.20"),
                child("resource", "(other)", "0.25", true), child("resource", " ", "0.05"),
                child("sku", "g5.xlarge", "1.00"), child("sku", "m6i.large", "0.50")));

        List<KeyValue<String, ScopePartRecord>> parts = ScopeParts.of("recs", cost, ALL);

        assertThat(parts).extracting(kv -> kv.key, kv -> kv.value.getPart(), kv -> kv.value.getCost()).containsExactly(
                tuple("team:ml", "recs", Money.of("1.50")),
                tuple("resource:gpu-pool", "recs", Money.of("1.00")),
                tuple("sku:g5.xlarge", "recs", Money.of("1.00")),
                tuple("sku:m6i.large", "recs", Money.of("0.50")));
        assertThat(parts).allSatisfy(kv -> {
            assertThat(kv.value.getWindowStart()).isEqualTo(T0.toEpochMilli());
            assertThat(kv.value.getWindowEnd()).isEqualTo(T0.plusSeconds(60).toEpochMilli());
            assertThat(kv.value.getCurrency()).isEqualTo("USD");
        });
        assertThat(ScopeParts.of("recs", cost, EnumSet.of(DetectionScope.SERVICE))).isEmpty();
        assertThat(ScopeParts.of("recs", cost, EnumSet.of(DetectionScope.SKU))).extracting(kv -> kv.key)
                .containsExactly("sku:g5.xlarge", "sku:m6i.large");
    }

    @Test
    void shouldPutAServiceWithoutATeamIntoTheUnallocatedTeam() {
        assertThat(ScopeParts.of("legacy", unitCost("legacy", null, "1.00", List.of()), ALL))
                .extracting(kv -> kv.key).containsExactly("team:unallocated");
        assertThat(ScopeParts.of("legacy", unitCost("legacy", "  ", "1.00", List.of()), ALL))
                .extracting(kv -> kv.key).containsExactly("team:unallocated");
        assertThat(ScopeParts.of("legacy", unitCost("legacy", " payments ", "1.00", List.of()), ALL))
                .extracting(kv -> kv.key).containsExactly("team:payments");
    }

    @Test
    void shouldSumTheLatestCostOfEachPartExactlyWhateverTheOrderTheyArriveIn() {
        ScopeWindowsRecord windows = ScopeWindows.empty();
        long t = T0.toEpochMilli();

        ScopeWindows.add(windows, part("a", "0.100000000001"), t + 10_000);
        ScopeWindows.add(windows, part("b", "0.2"), t + 5_000);
        ScopeWindows.add(windows, part("a", "0.300000000001"), t + 30_000);
        // An older update of a that arrives late changes nothing: a's cost so far is the later one.
        ScopeWindows.Total total = ScopeWindows.add(windows, part("a", "0.2"), t + 20_000);

        assertThat(total.cost()).isEqualTo(Money.of("0.500000000001"));
        assertThat(total.lastTimestamp()).isEqualTo(t + 30_000);
        assertThat(total.parts()).extracting(ChildCost::getKind, ChildCost::getName, ChildCost::getCost)
                .containsExactly(tuple("service", "a", Money.of("0.300000000001")),
                        tuple("service", "b", Money.of("0.2")));
        assertThat(windows.getWindows()).singleElement().satisfies(w -> assertThat(w.getParts())
                .extracting(ScopePartCostRecord::getName).containsExactly("a", "b"));
    }

    @Test
    void shouldKeepEachWindowsLatestPartsInWindowOrderWhateverTheOrderAndAcrossReadsFromTheStore() {
        // The record is changed in place (its lists as Avro's reader built them are copied once): a model of what it
        // must hold (per window, each part's latest cost) against it after each of 3,000 random updates, some read
        // back from the store in between, windows arriving out of order and settled now and then.
        ScopeWindowsSerde serde = new ScopeWindowsSerde();
        Random random = new Random(42);
        TreeMap<Integer, Map<String, long[]>> model = new TreeMap<>();
        ScopeWindowsRecord windows = ScopeWindows.empty();
        int settledBefore = 0;
        for (int i = 0; i < 3_000; i++) {
            int minute = settledBefore + random.nextInt(12);
            String service = "svc-" + random.nextInt(6);
            long cents = random.nextInt(1_000);
            long timestamp = T0.plusSeconds(60L * minute).toEpochMilli() + random.nextInt(60_000);
            ScopeWindows.Total total = ScopeWindows.add(windows,
                    partOf(minute, service, BigDecimal.valueOf(cents, 2).toPlainString()), timestamp);
            long[] kept = model.computeIfAbsent(minute, m -> new HashMap<>()).get(service);
            if (kept == null || timestamp >= kept[1]) {
                model.get(minute).put(service, new long[] {cents, timestamp});
            }
            long expected = model.get(minute).values().stream().mapToLong(c -> c[0]).sum();
            assertThat(total.cost()).isEqualByComparingTo(BigDecimal.valueOf(expected, 2));
            if (random.nextInt(50) == 0) {
                settledBefore += 1 + random.nextInt(3);
                ScopeWindows.forgetBefore(windows, T0.plusSeconds(60L * settledBefore).toEpochMilli(), false);
                model.headMap(settledBefore).clear();
            }
            if (random.nextInt(20) == 0) {
                windows = serde.deserializer().deserialize("changelog",
                        serde.serializer().serialize("changelog", windows));
            }
            assertThat(windows.getWindows()).extracting(w -> w.getWindowStart())
                    .containsExactlyElementsOf(model.keySet().stream()
                            .map(m -> T0.plusSeconds(60L * m).toEpochMilli()).toList());
        }
    }

    @Test
    void shouldForgetWindowsOnceTheyHaveSettled() {
        ScopeWindowsRecord windows = ScopeWindows.empty();
        for (int m = 3; m >= 0; m--) {
            ScopeWindows.add(windows, partOf(m, "a", "1"), T0.plusSeconds(60L * m).toEpochMilli());
        }

        ScopeWindows.forgetBefore(windows, T0.plusSeconds(120).toEpochMilli(), true);

        assertThat(windows.getWindows()).extracting(w -> w.getWindowStart())
                .containsExactly(T0.plusSeconds(120).toEpochMilli(), T0.plusSeconds(180).toEpochMilli());
        // Parts without requests (formats before them, resource and SKU scopes) teach no request level.
        assertThat(windows.getRequestLevel()).isZero();
    }

    @Test
    void shouldCarryRequestsInTeamPartsOnly() {
        UnitCost cost = unitCost("recs", "ml", "1.50", List.of(child("sku", "g5.xlarge", "1.00")));
        cost.setRequests(6_000);
        cost.setRequestsCoveredUntil(T0.plusSeconds(30));

        assertThat(ScopeParts.of("recs", cost, ALL)).extracting(kv -> kv.key, kv -> kv.value.getRequests(),
                kv -> kv.value.getRequestsCoveredUntil()).containsExactly(
                        tuple("team:ml", 6_000L, T0.plusSeconds(30).toEpochMilli()),
                        tuple("sku:g5.xlarge", 0L, null));
    }

    @Test
    void shouldSumATeamsRequestsPerWindowAndLearnItsUsualLevelFromSettledWindowsWhileNothingIsOpen() {
        ScopeWindowsRecord windows = ScopeWindows.empty();
        long t = T0.toEpochMilli();
        for (int m = 0; m < 3; m++) {
            ScopeWindows.add(windows, requestsOf(partOf(m, "a", "1"), 6_000, null), t + 60_000L * m);
            ScopeWindows.add(windows, requestsOf(partOf(m, "b", "1"), 4_000, null), t + 60_000L * m + 1);
        }
        // b's APM summaries cover the first 15 s of minute 3 so far: 1,000 of them is 4,000 over the minute.
        ScopeWindows.add(windows, requestsOf(partOf(3, "b", "1"), 1_000, t + 180_000 + 15_000), t + 180_000);
        ScopeWindows.add(windows, requestsOf(partOf(3, "a", "1"), 6_000, null), t + 180_000 + 1);

        assertThat(ScopeWindows.requestsIn(windows, t, false)).isEqualTo(10_000.0);
        assertThat(ScopeWindows.requestsIn(windows, t + 180_000, true)).isEqualTo(10_000.0);
        assertThat(ScopeWindows.requestsIn(windows, t + 240_000, true)).isZero();
        // Minute 4 so far has a's update only: while partial, b counts with its 4,000 of minute 3, as its cost does.
        ScopeWindows.add(windows, requestsOf(partOf(4, "a", "1"), 6_000, null), t + 240_000);
        assertThat(ScopeWindows.requestsIn(windows, t + 240_000, true)).isEqualTo(10_000.0);
        assertThat(ScopeWindows.requestsIn(windows, t + 240_000, false)).isEqualTo(6_000.0);

        // While an anomaly of the scope is open, its settled windows do not become its usual traffic.
        ScopeWindows.forgetBefore(windows, t + 60_000, false);
        assertThat(windows.getRequestLevel()).isZero();
        ScopeWindows.forgetBefore(windows, t + 120_000, true);
        assertThat(windows.getRequestLevel()).isEqualTo(10_000.0);
        ScopeWindows.add(windows, requestsOf(partOf(2, "a", "1"), 26_000, null), t + 150_000);
        ScopeWindows.forgetBefore(windows, t + 180_000, true);
        // The services' rule: an EWMA, 5% of the way to the window's 30,000.
        assertThat(windows.getRequestLevel()).isCloseTo(11_000.0, within(1e-6));
    }

    private static ScopePartRecord requestsOf(ScopePartRecord part, long requests, Long coveredUntil) {
        part.setRequests(requests);
        part.setRequestsCoveredUntil(coveredUntil);
        return part;
    }

    @Test
    void shouldCarryEachServicesCoverageAndNameThePartsOfTheWindowBeforeNotReportedYet() {
        UnitCost cost = unitCost("recs", "ml", "1.50", List.of(child("sku", "g5.xlarge", "1.00")));
        cost.setCoveredUntil(T0.plusSeconds(60));
        assertThat(ScopeParts.of("recs", cost, ALL)).allSatisfy(kv -> assertThat(kv.value.getCoveredUntil())
                .isEqualTo(T0.plusSeconds(60).toEpochMilli()));
        assertThat(ScopeParts.of("recs", unitCost("recs", "ml", "1.50", List.of()), ALL))
                .allSatisfy(kv -> assertThat(kv.value.getCoveredUntil()).isNull());

        ScopeWindowsRecord windows = ScopeWindows.empty();
        long t = T0.toEpochMilli();
        ScopePartRecord a = partOf(0, "a", "1.0");
        a.setCoveredUntil(t + 60_000);
        ScopeWindows.add(windows, a, t);
        ScopeWindows.add(windows, partOf(0, "b", "2.0"), t + 30_000);
        ScopePartRecord next = partOf(1, "a", "1.0");
        next.setCoveredUntil(t + 120_000);
        ScopeWindows.Total total = ScopeWindows.add(windows, next, t + 60_000);

        assertThat(total.coverage()).extracting(ChargeCoverage.Part::cost, ChargeCoverage.Part::coveredUntil)
                .containsExactly(tuple(Money.of("1.0"), t + 120_000));
        // b said 2.0 at half its minute (no coverage known): taken at 4.0 a minute, with a's 1.0: 5.0 for 1.0 so far.
        assertThat(total.unreported()).extracting(ChargeCoverage.Part::cost).containsExactly(Money.of("2.0"));
        assertThat(total.coveredUntil(new ChargeCoverage(0.25))).isEqualTo(t + 60_000 + 12_000);
    }

    private static ScopePartRecord part(String service, String cost) {
        return partOf(0, service, cost);
    }

    private static ScopePartRecord partOf(int minute, String service, String cost) {
        long start = T0.plusSeconds(60L * minute).toEpochMilli();
        return ScopePartRecord.newBuilder().setPart(service).setWindowStart(start).setWindowEnd(start + 60_000)
                .setCurrency("USD").setCost(Money.of(cost)).build();
    }

    private static ChildCost child(String kind, String name, String cost) {
        return child(kind, name, cost, false);
    }

    private static ChildCost child(String kind, String name, String cost, boolean remainder) {
        return ChildCost.newBuilder().setKind(kind).setName(name).setCost(Money.of(cost)).setRemainder(remainder)
                .build();
    }

    private static UnitCost unitCost(String service, String team, String cost, List<ChildCost> children) {
        BigDecimal amount = Money.of(cost);
        return UnitCost.newBuilder()
                .setService(service).setTeam(team)
                .setWindowStart(T0).setWindowEnd(T0.plusSeconds(60)).setWindowSize("PT1M")
                .setCurrency("USD").setCost(amount).setRequests(0).setErrors(0)
                .setRevenue(Money.ZERO).setMargin(Money.of(amount.negate()))
                .setCostRecords(1).setApmRecords(0).setChildren(children)
                .build();
    }
}
