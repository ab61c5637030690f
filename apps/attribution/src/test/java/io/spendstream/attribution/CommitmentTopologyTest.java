package io.spendstream.attribution;

import static io.spendstream.attribution.TestRecords.cost;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Gauge;
import io.spendstream.attribution.avro.CommitmentTally;
import io.spendstream.avro.Allocation;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CommitmentUtilisation;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class CommitmentTopologyTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final Instant DAY = Instant.parse("2026-11-23T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final String RI = "ri-0123";

    private TopologyFixture fixture;
    private TestInputTopic<String, AttributedCost> costs;
    private TestOutputTopic<String, CommitmentUtilisation> commitments;
    private TestOutputTopic<byte[], DeadLetter> dlq;

    @BeforeEach
    void start() {
        use(TopologyFixture.of(new AttributionApp()));
    }

    private void use(TopologyFixture newFixture) {
        fixture = newFixture;
        costs = fixture.input(fixture.topics().costAttributed);
        commitments = fixture.output(fixture.topics().commitments);
        dlq = fixture.output(fixture.topics().dlq);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldReportFullUtilisationForTheSpecsUsageCoveredByACommitment() throws IOException {
        List<AttributedCost> rows = focusRows("focus_1.2_spec_commitment_discount_usage_scenario_1.csv");
        rows.forEach(this::pipe);

        Map<String, CommitmentUtilisation> last = lastByWindow(emitted());
        Instant hour = Instant.parse("2023-01-01T00:00:00Z");
        for (String window : List.of("PT1H@" + hour, "PT24H@" + hour)) {
            CommitmentUtilisation u = last.get("<my-commitment-discount-id>@" + window);
            assertUtilisation(u, "1.00", "0", "1");
            assertThat(u.getResources()).isEqualTo(1);
            assertThat(u.getCurrency()).isEqualTo("USD");
        }
        assertThat(last.get("<my-commitment-discount-id>@PT1H@" + hour).getWindowEnd()).isEqualTo(hour.plus(HOUR));
        assertThat(last).hasSize(2);
    }

    @Test
    void shouldReportFullUtilisationForTheSpecsCommitmentAppliedFlexiblyToTwoResources() throws IOException {
        List<AttributedCost> rows = focusRows(
                "focus_1.2_spec_one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv");
        assertThat(rows).extracting(r -> r.getCost().getChargeCategory())
                .containsExactly("Purchase", "Usage", "Usage");
        rows.forEach(this::pipe);

        Map<String, CommitmentUtilisation> last = lastByWindow(emitted());
        Instant hour = Instant.parse("2023-01-01T00:00:00Z");
        // The spec: the commitment covers 2 VM_MEDIUM resources and incurs $2.00 total EffectiveCost, 100% utilised.
        // The recurring Purchase row (BilledCost 2.00, EffectiveCost 0) reaches the Used rows amortised: not counted.
        CommitmentUtilisation u = last.get("<my-commitment-discount-id>@PT1H@" + hour);
        assertUtilisation(u, "2.00", "0", "1");
        // Both usage rows of the spec's example carry the one placeholder id <my-medium-vm-id>.
        assertThat(u.getResources()).isEqualTo(1);
        assertUtilisation(last.get("<my-commitment-discount-id>@PT24H@" + hour), "2.00", "0", "1");
    }

    @Test
    void shouldReportTheCostOfTheUnusedPartPerHourAndPerDayWithItsMetrics() {
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "3.00", T0, HOUR));
        pipe(commitmentRow("search", "i-2", RI, "Used", "1.50", T0, HOUR));
        pipe(commitmentRow(null, RI, RI, "Unused", "1.50", T0, HOUR));
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "2.00", T0.plus(HOUR), HOUR));
        pipe(commitmentRow(null, RI, RI, "Unused", "4.00", T0.plus(HOUR), HOUR));

        List<KeyValue<String, CommitmentUtilisation>> out = emitted();
        assertThat(out).as("one record per changed window per interval").hasSize(3);
        Map<String, CommitmentUtilisation> last = lastByWindow(out);
        CommitmentUtilisation ten = last.get(RI + "@PT1H@" + T0);
        assertUtilisation(ten, "4.50", "1.50", "0.75");
        assertThat(ten.getResources()).as("an Unused row covers no resource").isEqualTo(2);
        assertThat(ten.getServices()).isEqualTo(2);
        assertUtilisation(last.get(RI + "@PT1H@" + T0.plus(HOUR)), "2.00", "4.00", "0.333333333333");
        CommitmentUtilisation day = last.get(RI + "@PT24H@" + DAY);
        assertUtilisation(day, "6.50", "5.50", "0.541666666667");
        assertThat(day.getResources()).isEqualTo(2);
        assertThat(day.getWindowEnd()).isEqualTo(DAY.plus(Duration.ofDays(1)));

        assertThat(gauge(CommitmentProcessor.UNUSED_METRIC, RI)).isEqualTo(5.5);
        assertThat(gauge(CommitmentProcessor.UTILISATION_METRIC, RI)).isEqualTo(0.541666666667);
        assertThat(emitted()).as("an interval without inputs emits nothing").isEmpty();
    }

    @Test
    void shouldSpreadADailyRowOverTheTwentyFourHoursOfItsDayExactly() {
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "24.000000000001", DAY, Duration.ofDays(1)));
        pipe(commitmentRow(null, RI, RI, "Unused", "0.000000000005", DAY, Duration.ofDays(1)));

        Map<String, CommitmentUtilisation> last = lastByWindow(emitted());
        List<CommitmentUtilisation> hours = last.values().stream()
                .filter(u -> u.getWindowSize().equals("PT1H")).toList();
        assertThat(hours).hasSize(24);
        assertThat(last.get(RI + "@PT1H@" + DAY).getUsedCost()).isEqualTo(Money.of("1"));
        assertThat(hours.stream().map(CommitmentUtilisation::getUsedCost).reduce(Money.ZERO, Money::add))
                .isEqualTo(Money.of("24.000000000001"));
        assertThat(hours.stream().map(CommitmentUtilisation::getUnusedCost).reduce(Money.ZERO, Money::add))
                .isEqualTo(Money.of("0.000000000005"));
        assertUtilisation(last.get(RI + "@PT24H@" + DAY), "24.000000000001", "0.000000000005", "0.999999999999833");
        assertThat(hours).allSatisfy(h -> assertThat(h.getResources()).isEqualTo(1));
    }

    @Test
    void shouldCorrectItsHourAndItsDayWithARowLaterThanTheGraceButInsideTheBillingHorizon() {
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "3.00", T0, HOUR));
        pipe(commitmentRow(null, RI, RI, "Unused", "1.00", T0, HOUR));
        // Five days on: past the 2-day real-time grace, well inside the 65-day billing horizon.
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "1.00", T0.plus(Duration.ofDays(5)), HOUR));
        Map<String, CommitmentUtilisation> before = lastByWindow(emitted());
        assertUtilisation(before.get(RI + "@PT1H@" + T0), "3.00", "1.00", "0.75");

        // The bill restates 10:00: the unused part was 1.00 too high (a delta of -1.00, as ingest sends it) and a
        // second resource used the commitment.
        pipe(commitmentRow(null, RI, RI, "Unused", "-1.00", T0, HOUR));
        pipe(commitmentRow("search", "i-2", RI, "Used", "0.50", T0, HOUR));

        List<KeyValue<String, CommitmentUtilisation>> out = emitted();
        assertThat(out).extracting(kv -> kv.value.getWindowSize() + "@" + kv.value.getWindowStart())
                .containsExactly("PT1H@" + T0, "PT24H@" + DAY);
        Map<String, CommitmentUtilisation> last = lastByWindow(out);
        assertUtilisation(last.get(RI + "@PT1H@" + T0), "3.50", "0", "1");
        assertThat(last.get(RI + "@PT1H@" + T0).getResources()).isEqualTo(2);
        assertUtilisation(last.get(RI + "@PT24H@" + DAY), "3.50", "0", "1");
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(fixture.count(CommitmentProcessor.DROPPED_METRIC)).isZero();
    }

    @Test
    void shouldReportNoUtilisationForAWindowWhoseCostsCancelOut() {
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "2.00", T0, HOUR));
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "-2.00", T0, HOUR));

        CommitmentUtilisation hour = lastByWindow(emitted()).get(RI + "@PT1H@" + T0);
        assertThat(hour.getTotalCost()).isEqualTo(Money.ZERO);
        assertThat(hour.getUtilisation()).isNull();
        assertThat(gauge(CommitmentProcessor.UTILISATION_METRIC, RI)).isNaN();
    }

    @Test
    void shouldIgnoreRowsWithoutACommitmentOrAUsedOrUnusedStatus() {
        pipe(cost("checkout", "5.00", T0, HOUR));
        AttributedCost purchase = commitmentRow(null, RI, RI, null, "0", T0, HOUR);
        purchase.getCost().setChargeCategory("Purchase");
        pipe(purchase);

        assertThat(emitted()).isEmpty();
    }

    @Test
    void shouldForgetAWindowOnceTheBillingHorizonHasPassedIt() {
        stop();
        // Kept until stream time passes the hour's end by horizon + grace + max-spread = 1h here.
        use(TopologyFixture.of(new AttributionApp(), Map.of(AttributionSettings.GRACE, "0s",
                AttributionSettings.MAX_SPREAD, "0s", BillingHorizon.KEY, "1h")));
        pipe(commitmentRow("checkout", "i-1", RI, "Used", "1.00", T0, HOUR));
        KeyValueStore<CommitmentKey, CommitmentTally> store = fixture.driver()
                .getKeyValueStore(CommitmentProcessor.STORE);
        CommitmentKey ten = new CommitmentKey(CommitmentKey.Kind.HOUR, T0.toEpochMilli(), RI, "");
        CommitmentKey member = new CommitmentKey(CommitmentKey.Kind.HOUR_MEMBER, T0.toEpochMilli(), RI, "r:i-1");
        assertThat(store.get(ten)).isNotNull();
        assertThat(store.get(member)).isNotNull();

        pipe(commitmentRow("checkout", "i-1", RI, "Used", "1.00", T0.plus(Duration.ofHours(2)), HOUR));

        assertThat(store.get(ten)).as("10:00 is gone at 12:00").isNull();
        assertThat(store.get(member)).isNull();
        assertThat(store.get(new CommitmentKey(CommitmentKey.Kind.DAY, DAY.toEpochMilli(), RI, "")))
                .as("the day is kept until its own end has passed by the horizon").isNotNull();
        Map<String, CommitmentUtilisation> last = lastByWindow(commitments.readKeyValuesToList());
        assertUtilisation(last.get(RI + "@PT1H@" + T0), "1.00", "0", "1");
        assertUtilisation(lastByWindow(emitted()).get(RI + "@PT24H@" + DAY), "2.00", "0", "1");
    }

    @Test
    void shouldLeaveUnitCostAndShowbackAsTheyAreWithoutCommitmentColumns() {
        List<AttributedCost> rows = new ArrayList<>();
        rows.add(commitmentRow("checkout", "i-1", RI, "Used", "3.00", T0, HOUR));
        rows.add(commitmentRow("search", "i-2", RI, "Used", "1.25", T0, HOUR));
        rows.add(commitmentRow(null, RI, RI, "Unused", "0.75", T0, HOUR));
        rows.add(commitmentRow("checkout", "i-1", RI, "Used", "24.000000000001", DAY, Duration.ofDays(1)));
        rows.add(cost("checkout", "2.00", T0.plus(Duration.ofMinutes(5)), Duration.ofMinutes(1)));

        Outputs withCommitments = outputs(rows);
        List<AttributedCost> plain = rows.stream().map(row -> {
            AttributedCost copy = AttributedCost.newBuilder(row).build();
            copy.getCost().setCommitmentDiscountId(null);
            copy.getCost().setCommitmentDiscountStatus(null);
            return copy;
        }).toList();
        stop();
        use(TopologyFixture.of(new AttributionApp()));
        Outputs without = outputs(plain);

        assertThat(withCommitments.commitments).isNotEmpty();
        assertThat(without.commitments).isEmpty();
        assertThat(withCommitments.allocation).isNotEmpty().isEqualTo(without.allocation);
        assertThat(withCommitments.unitCost).isNotEmpty().isEqualTo(without.unitCost);
    }

    private record Outputs(List<KeyValue<String, Allocation>> allocation, List<KeyValue<String, UnitCost>> unitCost,
            List<KeyValue<String, CommitmentUtilisation>> commitments) {
    }

    private Outputs outputs(List<AttributedCost> rows) {
        TestOutputTopic<String, Allocation> allocation = fixture.output(fixture.topics().allocation);
        TestOutputTopic<String, UnitCost> unitCost = fixture.output(fixture.topics().unitCost);
        rows.forEach(this::pipe);
        List<KeyValue<String, CommitmentUtilisation>> emitted = emitted();
        return new Outputs(allocation.readKeyValuesToList(), unitCost.readKeyValuesToList(), emitted);
    }

    /** A row of {@code resource} with a commitment discount's id and status, as ingest and enrich write it. */
    private static AttributedCost commitmentRow(String service, String resource, String commitment, String status,
            String amount, Instant start, Duration period) {
        AttributedCost row = cost(service == null ? "unallocated" : service, amount, start, period);
        if (service == null) {
            row.getAttribution().setService(null);
        }
        CostRecord cost = row.getCost();
        cost.setChargeCategory("Usage");
        cost.setResourceId(resource);
        cost.setCommitmentDiscountId(commitment);
        cost.setCommitmentDiscountStatus(status);
        return row;
    }

    /**
     * The rows of one of the specification's CSV examples (test resources, copied from {@code ../shared/data/focus})
     * as ingest turns them into cost records: EffectiveCost is the cost, {@code null} and empty cells are absent.
     */
    private static List<AttributedCost> focusRows(String file) throws IOException {
        List<String> lines;
        try (InputStream in = CommitmentTopologyTest.class.getResourceAsStream("/focus/" + file)) {
            assertThat(in).as(file).isNotNull();
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        String[] header = lines.get(0).split(",", -1);
        List<AttributedCost> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            // The examples quote nothing, so a comma always separates cells.
            assertThat(line).doesNotContain("\"");
            String[] cells = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                String cell = cells[i].trim();
                row.put(header[i], cell.isEmpty() || cell.equalsIgnoreCase("null") ? null : cell);
            }
            Instant start = Instant.parse(row.get("ChargePeriodStart"));
            Instant end = Instant.parse(row.get("ChargePeriodEnd"));
            AttributedCost attributed = cost("vm-fleet", row.get("EffectiveCost"), start, Duration.between(start, end));
            CostRecord cost = attributed.getCost();
            cost.setBilledCost(Money.of(row.get("BilledCost")));
            cost.setChargeCategory(row.get("ChargeCategory"));
            cost.setResourceId(row.get("ResourceId"));
            cost.setSkuId(row.get("SkuId"));
            cost.setCommitmentDiscountId(row.get("CommitmentDiscountId"));
            cost.setCommitmentDiscountStatus(row.get("CommitmentDiscountStatus"));
            rows.add(attributed);
        }
        return rows;
    }

    private double gauge(String name, String commitment) {
        Gauge gauge = fixture.meters().find(name).tag(CommitmentProcessor.COMMITMENT_TAG, commitment).gauge();
        assertThat(gauge).as(name).isNotNull();
        return gauge.value();
    }

    private static void assertUtilisation(CommitmentUtilisation u, String used, String unused, String utilisation) {
        assertThat(u).as("utilisation record").isNotNull();
        String window = u.getWindowSize() + "@" + u.getWindowStart();
        assertThat(u.getUsedCost()).as(window + " used").isEqualTo(Money.of(used));
        assertThat(u.getUnusedCost()).as(window + " unused").isEqualTo(Money.of(unused));
        assertThat(u.getTotalCost()).as(window + " total").isEqualTo(Money.add(Money.of(used), Money.of(unused)));
        assertThat(u.getUtilisation()).as(window + " utilisation").isEqualTo(Money.of(utilisation));
    }

    /** What {@code spend.commitments} received, once an emit-interval has passed (the processor emits then). */
    private List<KeyValue<String, CommitmentUtilisation>> emitted() {
        fixture.driver().advanceWallClockTime(ShowbackSettings.DEFAULT_EMIT_INTERVAL);
        return commitments.readKeyValuesToList();
    }

    /** The last record of each commitment and window, by {@code commitment@size@start}. */
    private static Map<String, CommitmentUtilisation> lastByWindow(List<KeyValue<String, CommitmentUtilisation>> out) {
        Map<String, CommitmentUtilisation> last = new HashMap<>();
        for (KeyValue<String, CommitmentUtilisation> kv : out) {
            assertThat(kv.key).isEqualTo(kv.value.getCommitmentDiscountId());
            last.put(kv.key + "@" + kv.value.getWindowSize() + "@" + kv.value.getWindowStart(), kv.value);
        }
        return last;
    }

    private void pipe(AttributedCost value) {
        String key = value.getAttribution().getService() == null ? "unallocated" : value.getAttribution().getService();
        costs.pipeInput(key, value, value.getCost().getChargePeriodStart());
    }
}
