package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.apm;
import static io.spendstream.attribution.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.attribution.avro.ChildTally;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/** The cost per resource and per SKU that {@code spend.unit-cost} carries for each window. */
class UnitCostChildrenTest {

    private static final Instant T0 = TopologyFixture.START;

    @Test
    void shouldBookEachRowOnItsResourceAndSkuSoEachKindSumsExactlyToTheWindowCost() {
        try (TopologyFixture fixture = TopologyFixture.of(new AttributionApp())) {
            TestInputTopic<String, AttributedCost> in = fixture.input(fixture.topics().costAttributed);
            pipe(in, row("checkout", "0.30", "i-01", "m6i.xlarge", T0.plusSeconds(5)));
            pipe(in, row("checkout", "0.20", "i-02", "m6i.xlarge", T0.plusSeconds(10)));
            pipe(in, row("checkout", "1.25", "db-01", "db.r6g.large", T0.plusSeconds(20)));
            pipe(in, row("checkout", "0.000000000001", null, null, T0.plusSeconds(30)));
            fixture.input(fixture.topics().apm).pipeInput("checkout", apm("checkout", T0.plusSeconds(40), 100, 0),
                    T0.plusSeconds(40));

            List<UnitCost> out = fixture.output(fixture.topics().unitCost).readValuesToList();
            UnitCost minute = lastOf(out, "PT1M");

            assertThat(minute.getCost()).isEqualTo(Money.of("1.750000000001"));
            assertThat(children(minute, WindowChildren.RESOURCE)).containsExactly(
                    Map.entry("db-01", Money.of("1.25")), Map.entry("i-01", Money.of("0.30")),
                    Map.entry("i-02", Money.of("0.20")), Map.entry("(none)", Money.of("0.000000000001")));
            assertThat(children(minute, WindowChildren.SKU)).containsExactly(
                    Map.entry("db.r6g.large", Money.of("1.25")), Map.entry("m6i.xlarge", Money.of("0.50")),
                    Map.entry("(none)", Money.of("0.000000000001")));
            assertThat(minute.getChildren()).noneMatch(ChildCost::getRemainder);
            assertThat(lastOf(out, "PT1H").getChildren()).isEqualTo(minute.getChildren());
        }
    }

    @Test
    void shouldSpreadAChildLikeItsRowSoEveryMinuteReconciles() {
        try (TopologyFixture fixture = TopologyFixture.of(new AttributionApp())) {
            pipe(fixture.input(fixture.topics().costAttributed),
                    row("search", "1.000000000007", "es-01", "r6g.large.search", T0, Duration.ofHours(1)));

            List<UnitCost> minutes = fixture.output(fixture.topics().unitCost).readValuesToList().stream()
                    .filter(u -> u.getWindowSize().equals("PT1M")).toList();

            assertThat(minutes).hasSize(60).allSatisfy(u -> {
                assertThat(children(u, WindowChildren.RESOURCE)).containsExactly(Map.entry("es-01", u.getCost()));
                assertThat(children(u, WindowChildren.SKU)).containsExactly(
                        Map.entry("r6g.large.search", u.getCost()));
            });
        }
    }

    @Test
    void shouldKeepTheTopChildrenAndAnOtherRemainderThatSumsExactlyForThousandsOfRows() {
        Map<String, String> config = Map.of(UnitCostChildrenSettings.TOP, "3", UnitCostChildrenSettings.TRACKED, "6");
        try (TopologyFixture fixture = TopologyFixture.of(new AttributionApp(), config)) {
            TestInputTopic<String, AttributedCost> in = fixture.input(fixture.topics().costAttributed);
            Random random = new Random(61);
            BigDecimal input = Money.ZERO;
            for (int i = 0; i < 3_000; i++) {
                Instant start = T0.plusMillis(i * 100L);
                // 400 resources and 40 SKUs, with credits (negative amounts) among the charges.
                BigDecimal amount = BigDecimal.valueOf(random.nextLong() % 10_000_000_000_000L, 12);
                pipe(in, row("checkout", amount.toPlainString(), "i-" + random.nextInt(400),
                        "sku-" + random.nextInt(40), start));
                input = Money.add(input, amount);
            }

            Map<String, UnitCost> finalByWindow = new LinkedHashMap<>();
            List<KeyValue<String, UnitCost>> out = fixture.output(fixture.topics().unitCost).readKeyValuesToList();
            for (KeyValue<String, UnitCost> kv : out) {
                UnitCost u = kv.value;
                assertThat(u.getChildren()).as("top 3 plus a remainder, per kind").hasSizeLessThanOrEqualTo(8);
                for (String kind : List.of(WindowChildren.RESOURCE, WindowChildren.SKU)) {
                    List<ChildCost> ofKind = u.getChildren().stream().filter(c -> c.getKind().equals(kind)).toList();
                    assertThat(ofKind).filteredOn(c -> !c.getRemainder()).hasSizeLessThanOrEqualTo(3);
                    assertThat(ofKind).filteredOn(ChildCost::getRemainder).hasSizeLessThanOrEqualTo(1)
                            .allMatch(c -> c.getName().equals(WindowChildren.OTHER));
                    assertThat(ofKind.stream().map(ChildCost::getCost).reduce(Money.ZERO, Money::add))
                            .as("%s children of %s %s", kind, u.getWindowSize(), u.getWindowStart())
                            .isEqualTo(u.getCost());
                }
                finalByWindow.put(u.getWindowSize() + "@" + u.getWindowStart(), u);
            }
            List<UnitCost> minutes = finalByWindow.values().stream().filter(u -> u.getWindowSize().equals("PT1M"))
                    .toList();
            assertThat(minutes.stream().map(UnitCost::getCost).reduce(Money.ZERO, Money::add)).isEqualTo(input);
            assertThat(minutes).as("hundreds of resources a minute: each kind has a remainder")
                    .allSatisfy(u -> assertThat(u.getChildren()).filteredOn(ChildCost::getRemainder).hasSize(2));
        }
    }

    @Test
    void shouldWriteTheTrueTopChildrenWhileTheTallyTracksThemAll() {
        List<ChildTally> tally = List.of();
        BigDecimal total = Money.ZERO;
        for (int r = 1; r <= 10; r++) {
            BigDecimal amount = Money.of(BigDecimal.valueOf(r));
            tally = WindowChildren.add(tally, WindowChildren.ofPart(amount, "r" + r, "s" + (r % 2)), 10);
            total = Money.add(total, amount);
        }

        List<ChildCost> written = WindowChildren.top(tally, total, 2);

        assertThat(written).extracting(ChildCost::getKind, ChildCost::getName, ChildCost::getCost).containsExactly(
                tuple("resource", "r10", Money.of("10")),
                tuple("resource", "r9", Money.of("9")),
                tuple("resource", "(other)", Money.of("36")),
                tuple("sku", "s0", Money.of("30")),
                tuple("sku", "s1", Money.of("25")));
    }

    @Test
    void shouldFoldTheCheapestChildrenBeyondTheTrackedBoundWithoutLosingMoney() {
        List<ChildTally> tally = List.of();
        for (int r = 1; r <= 5; r++) {
            tally = WindowChildren.add(tally, WindowChildren.ofPart(BigDecimal.valueOf(r), "r" + r, "s"), 3);
        }

        assertThat(tally).filteredOn(c -> c.getKind().equals("resource"))
                .extracting(c -> c.getName(), c -> c.getCost())
                .containsExactly(tuple("r5", Money.of("5")),
                        tuple("r4", Money.of("4")),
                        tuple("r3", Money.of("3")),
                        tuple("(other)", Money.of("3")));
    }

    @Test
    void shouldPutAWindowTalliedBeforeChildrenExistedWhollyInTheRemainder() {
        List<ChildCost> written = WindowChildren.top(List.of(), Money.of("4.5"), 20);

        assertThat(written).extracting(ChildCost::getKind, ChildCost::getName, ChildCost::getCost,
                ChildCost::getRemainder).containsExactly(
                tuple("resource", "(other)", Money.of("4.5"), true),
                tuple("sku", "(other)", Money.of("4.5"), true));
        assertThat(WindowChildren.top(List.of(), Money.ZERO, 20)).as("an APM-only window has no children").isEmpty();
    }

    @Test
    void shouldRejectATrackedBoundBelowTheTopCount() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(UnitCostChildrenSettings.TOP, "30",
                UnitCostChildrenSettings.TRACKED, "10"));
        assertThatThrownBy(() -> UnitCostChildrenSettings.from(config))
                .hasMessageContaining(UnitCostChildrenSettings.TRACKED);
        assertThat(UnitCostChildrenSettings.from(new SpendstreamConfig(Map.of())))
                .isEqualTo(new UnitCostChildrenSettings(20, 50));
    }

    @Test
    void shouldSayHowFarTheRowsAndSummariesCoverAWindowSoAPerMinuteRowIsAWholeMinutesCost() {
        try (TopologyFixture fixture = TopologyFixture.of(new AttributionApp())) {
            TestInputTopic<String, AttributedCost> in = fixture.input(fixture.topics().costAttributed);
            // A per-minute row, stamped at its minute's start: its minute is covered at once.
            pipe(in, row("orders-db", "3.17", "db-replica-1", "sku-db", T0, Duration.ofMinutes(1)));
            List<UnitCost> out = new java.util.ArrayList<>(fixture.output(fixture.topics().unitCost).readValuesToList());
            // 15-second rows of the next minute: a quarter of it so far, then half.
            pipe(in, row("search", "0.25", "es-01", "sku-es", T0.plusSeconds(60), Duration.ofSeconds(15)));
            UnitCost quarter = lastOf(fixture.output(fixture.topics().unitCost).readValuesToList(), "PT1M");
            pipe(in, row("search", "0.25", "es-01", "sku-es", T0.plusSeconds(75), Duration.ofSeconds(15)));
            fixture.input(fixture.topics().apm).pipeInput("search", apm("search", T0.plusSeconds(60), 100, 0),
                    T0.plusSeconds(60));

            out.addAll(fixture.output(fixture.topics().unitCost).readValuesToList());
            UnitCost perMinute = out.stream().filter(u -> u.getService().equals("orders-db")
                    && u.getWindowSize().equals("PT1M")).reduce((a, b) -> b).orElseThrow();
            UnitCost half = lastOf(out, "PT1M");

            assertThat(perMinute.getCoveredUntil()).isEqualTo(T0.plusSeconds(60));
            assertThat(perMinute.getRequestsCoveredUntil()).isNull();
            assertThat(quarter.getCoveredUntil()).isEqualTo(T0.plusSeconds(75));
            assertThat(half.getCoveredUntil()).isEqualTo(T0.plusSeconds(90));
            // The APM summary covers 10 seconds of the minute.
            assertThat(half.getRequestsCoveredUntil()).isEqualTo(T0.plusSeconds(70));
            // The hour is covered as far as its latest row reaches.
            assertThat(lastOf(out, "PT1H").getCoveredUntil()).isEqualTo(T0.plusSeconds(90));
        }
    }

    private static AttributedCost row(String service, String amount, String resourceId, String skuId, Instant start) {
        return row(service, amount, resourceId, skuId, start, Duration.ofSeconds(1));
    }

    private static AttributedCost row(String service, String amount, String resourceId, String skuId, Instant start,
            Duration period) {
        AttributedCost row = cost(service, amount, start, period);
        row.getCost().setResourceId(resourceId);
        row.getCost().setSkuId(skuId);
        return row;
    }

    private static void pipe(TestInputTopic<String, AttributedCost> in, AttributedCost row) {
        in.pipeInput(row.getAttribution().getService(), row, row.getCost().getChargePeriodStart());
    }

    private static UnitCost lastOf(List<UnitCost> all, String size) {
        return all.stream().filter(u -> u.getWindowSize().equals(size)).reduce((a, b) -> b).orElseThrow();
    }

    private static Map<String, BigDecimal> children(UnitCost u, String kind) {
        Map<String, BigDecimal> byName = new LinkedHashMap<>();
        u.getChildren().stream().filter(c -> c.getKind().equals(kind)).forEach(c -> byName.put(c.getName(), c.getCost()));
        return byName;
    }
}
