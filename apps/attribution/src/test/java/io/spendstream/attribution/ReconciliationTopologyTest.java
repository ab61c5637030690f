package io.spendstream.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.Allocation;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * A day of metered estimates for two services, then the bill as ingest writes it (a reversal of each estimated hour,
 * then the bill row): {@code spend.reconciliation} holds each hour's estimate, actual and error, and every money
 * output of the app ends equal to the bill.
 */
class ReconciliationTopologyTest {

    private static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    private static final String SQS = "SQS.REQUESTS";
    private static final String VM = "EC2.M5.LARGE";

    private TopologyFixture fixture;
    private TestInputTopic<String, AttributedCost> costs;
    private TestOutputTopic<String, Reconciliation> reconciliation;

    @BeforeEach
    void start() {
        fixture = TopologyFixture.of(new AttributionApp());
        costs = fixture.input(fixture.topics().costAttributed);
        reconciliation = fixture.output(fixture.topics().reconciliation);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldPublishEachHoursEstimateActualAndErrorAndEndEveryMoneyOutputEqualToTheBill() {
        List<BigDecimal> checkoutEstimates = new ArrayList<>();
        List<BigDecimal> checkoutBills = new ArrayList<>();
        List<BigDecimal> searchEstimates = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            BigDecimal checkout = Money.of(new BigDecimal("0.4").add(BigDecimal.valueOf(h * 7_919L, 6)));
            BigDecimal search = Money.of(new BigDecimal("0.096").add(BigDecimal.valueOf(h * 131L, 7)));
            // -5% .. +5%: a different share per hour.
            BigDecimal share = BigDecimal.valueOf(h * 43 % 101 - 50, 3);
            checkoutEstimates.add(checkout);
            searchEstimates.add(search);
            checkoutBills.add(Money.of(checkout.multiply(BigDecimal.ONE.add(share))));
            pipe(estimate("checkout", "payments", "queue-1", SQS, checkout, hour(h)));
            pipe(estimate("search", "discovery", "vm-1", VM, search, hour(h)));
        }
        assertThat(reconciliation.isEmpty()).as("nothing billed yet").isTrue();

        for (int h = 0; h < 24; h++) {
            pipe(reversal("checkout", "payments", "queue-1", SQS, checkoutEstimates.get(h), hour(h)));
            pipe(bill("checkout", "payments", "queue-1", SQS, checkoutBills.get(h), hour(h), HOUR));
        }
        BigDecimal searchBill = Money.of("2.514159265358");
        for (int h = 0; h < 24; h++) {
            pipe(reversal("search", "discovery", "vm-1", VM, searchEstimates.get(h), hour(h)));
        }
        pipe(bill("search", "discovery", "vm-1", VM, searchBill, DAY, Duration.ofDays(1)));

        Map<String, Reconciliation> latest = latest(reconciliation.readKeyValuesToList());
        assertThat(latest).hasSize(48);
        for (int h = 0; h < 24; h++) {
            Reconciliation checkout = latest.get("checkout|" + SQS + "|" + hour(h));
            assertThat(checkout.getStatus()).isEqualTo("BILLED");
            assertThat(checkout.getTeam()).isEqualTo("payments");
            assertThat(checkout.getWindowEnd()).isEqualTo(hour(h).plus(HOUR));
            assertThat(checkout.getEstimated()).isEqualTo(checkoutEstimates.get(h));
            assertThat(checkout.getBilled()).isEqualTo(checkoutBills.get(h));
            assertThat(checkout.getDifference()).isEqualTo(Money.of(checkoutEstimates.get(h).subtract(checkoutBills.get(h))));
            assertThat(checkout.getErrorPercent()).isEqualTo(checkoutEstimates.get(h).subtract(checkoutBills.get(h))
                    .multiply(BigDecimal.valueOf(100)).divide(checkoutBills.get(h), 6, RoundingMode.HALF_EVEN));
            assertThat(checkout.getErrorPercent().abs()).isLessThanOrEqualTo(new BigDecimal("5.3"));
            assertThat(latest.get("search|" + VM + "|" + hour(h)).getEstimated()).isEqualTo(searchEstimates.get(h));
        }
        assertThat(latest.values().stream().filter(r -> r.getService().equals("search"))
                .map(Reconciliation::getBilled).reduce(Money.ZERO, Money::add))
                .as("the daily bill cut into its 24 hours, exactly").isEqualTo(searchBill);
        Reconciliation lastCheckout = latest.get("checkout|" + SQS + "|" + hour(23));
        assertThat(fixture.meters().find(ReconciliationProcessor.ERROR_PERCENT).tag("service", "checkout").gauge()
                .value()).isEqualTo(lastCheckout.getErrorPercent().abs().doubleValue());

        // Unit cost per hour: checkout's hours are its hourly bills; search's day is its daily bill.
        Map<String, BigDecimal> unitCost = new HashMap<>();
        for (KeyValue<String, UnitCost> kv : fixture.output(fixture.topics().unitCost).readKeyValuesToList()) {
            if (kv.value.getWindowSize().equals("PT1H")) {
                unitCost.put(kv.key + "@" + kv.value.getWindowStart(), kv.value.getCost());
            }
        }
        for (int h = 0; h < 24; h++) {
            assertThat(unitCost.get("checkout@" + hour(h))).as("checkout unit cost, hour %s", h)
                    .isEqualTo(checkoutBills.get(h));
        }
        assertThat(unitCost.entrySet().stream().filter(e -> e.getKey().startsWith("search@"))
                .map(Map.Entry::getValue).reduce(Money.ZERO, Money::add)).isEqualTo(searchBill);

        // Allocation per hour and per day: the bill.
        fixture.driver().advanceWallClockTime(ShowbackSettings.DEFAULT_EMIT_INTERVAL);
        Map<String, BigDecimal> allocation = new HashMap<>();
        for (KeyValue<String, Allocation> kv : fixture.output(fixture.topics().allocation).readKeyValuesToList()) {
            allocation.put(kv.key + "@" + kv.value.getWindowSize() + "@" + kv.value.getWindowStart(),
                    kv.value.getTotal());
        }
        for (int h = 0; h < 24; h++) {
            assertThat(allocation.get("payments@PT1H@" + hour(h))).isEqualTo(checkoutBills.get(h));
        }
        assertThat(allocation.get("payments@PT24H@" + DAY))
                .isEqualTo(checkoutBills.stream().reduce(Money.ZERO, Money::add));
        assertThat(allocation.get("discovery@PT24H@" + DAY)).isEqualTo(searchBill);
        assertThat(fixture.output(fixture.topics().dlq).isEmpty()).isTrue();
    }

    @Test
    void shouldCompareOnlyTheResourcesWhoseBillAndReversalBothArrivedWhateverTheirOrder() {
        pipe(estimate("checkout", "payments", "vm-1", VM, Money.of("2.00"), hour(5)));
        pipe(estimate("checkout", "payments", "vm-2", VM, Money.of("3.00"), hour(5)));
        // vm-1's bill before its reversal: nothing to compare yet, so nothing to publish.
        pipe(bill("checkout", "payments", "vm-1", VM, Money.of("2.04"), hour(5), HOUR));
        assertThat(reconciliation.isEmpty()).isTrue();

        pipe(reversal("checkout", "payments", "vm-1", VM, Money.of("2.00"), hour(5)));
        assertThat(reconciliation.readValuesToList()).singleElement().satisfies(r -> {
            assertThat(r.getEstimated()).as("vm-1 only: vm-2 is not billed yet").isEqualTo(Money.of("2.00"));
            assertThat(r.getBilled()).isEqualTo(Money.of("2.04"));
            assertThat(r.getErrorPercent()).isEqualTo(new BigDecimal("-1.960784"));
        });

        pipe(reversal("checkout", "payments", "vm-2", VM, Money.of("3.00"), hour(5)));
        pipe(bill("checkout", "payments", "vm-2", VM, Money.of("2.91"), hour(5), HOUR));
        assertThat(reconciliation.readValuesToList()).last().satisfies(r -> {
            assertThat(r.getEstimated()).isEqualTo(Money.of("5.00"));
            assertThat(r.getBilled()).isEqualTo(Money.of("4.95"));
            assertThat(r.getDifference()).isEqualTo(Money.of("0.05"));
        });
    }

    @Test
    void shouldAddARestatedBillToTheBilledSideAndRepublishTheHour() {
        pipe(estimate("checkout", "payments", "queue-1", SQS, Money.of("1.00"), hour(3)));
        pipe(reversal("checkout", "payments", "queue-1", SQS, Money.of("1.00"), hour(3)));
        pipe(bill("checkout", "payments", "queue-1", SQS, Money.of("1.10"), hour(3), HOUR));
        pipe(bill("checkout", "payments", "queue-1", SQS, Money.of("-0.30"), hour(3), HOUR));

        List<Reconciliation> out = reconciliation.readValuesToList();
        assertThat(out).extracting(Reconciliation::getBilled).containsExactly(Money.of("1.10"), Money.of("0.80"));
        assertThat(out).extracting(Reconciliation::getErrorPercent)
                .containsExactly(new BigDecimal("-9.090909"), new BigDecimal("25.000000"));
    }

    @Test
    void shouldPublishAnHourWhoseEstimateFoundNoBillAsUnbilledOnceAfterTheBillLag() {
        pipe(estimate("checkout", "payments", "queue-1", SQS, Money.of("1.00"), hour(3)));
        pipe(estimate("checkout", "payments", "queue-1", SQS, Money.of("0.50"), hour(40)));
        assertThat(reconciliation.isEmpty()).isTrue();

        // Hour 3 ended at 04:00; the 2d lag ends at 04:00 two days later (event time of the attributed rows).
        pipe(estimate("checkout", "payments", "queue-1", SQS, Money.of("0.50"), hour(51)));
        pipe(estimate("checkout", "payments", "queue-1", SQS, Money.of("0.50"), hour(53)));
        pipe(estimate("checkout", "payments", "queue-1", SQS, Money.of("0.50"), hour(55)));

        List<Reconciliation> out = reconciliation.readValuesToList();
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo("UNBILLED");
            assertThat(r.getWindowStart()).isEqualTo(hour(3));
            assertThat(r.getEstimated()).isEqualTo(Money.of("1.00"));
            assertThat(r.getBilled()).isEqualTo(Money.ZERO);
            assertThat(r.getErrorPercent()).isNull();
        });
        assertThat(fixture.count(ReconciliationProcessor.UNBILLED, "service", "checkout")).isEqualTo(1.0);
    }

    @Test
    void shouldIgnoreCostRowsThatTakeNoPartInSupersession() {
        AttributedCost plain = TestRecords.cost("checkout", "payments", null, "3.00", hour(2), HOUR);
        pipe(plain);
        assertThat(reconciliation.isEmpty()).isTrue();
    }

    private static Map<String, Reconciliation> latest(List<KeyValue<String, Reconciliation>> records) {
        Map<String, Reconciliation> latest = new HashMap<>();
        for (KeyValue<String, Reconciliation> kv : records) {
            assertThat(kv.key).isEqualTo(kv.value.getService());
            latest.put(kv.key + "|" + kv.value.getSku() + "|" + kv.value.getWindowStart(), kv.value);
        }
        return latest;
    }

    private static Instant hour(int h) {
        return DAY.plus(Duration.ofHours(h));
    }

    private static AttributedCost estimate(String service, String team, String resource, String sku,
            BigDecimal amount, Instant hour) {
        return row(service, team, resource, sku, amount, hour, HOUR, "metered");
    }

    private static AttributedCost reversal(String service, String team, String resource, String sku,
            BigDecimal estimate, Instant hour) {
        return row(service, team, resource, sku, Money.of(estimate.negate()), hour, HOUR, "estimate-reversal");
    }

    private static AttributedCost bill(String service, String team, String resource, String sku, BigDecimal amount,
            Instant start, Duration period) {
        return row(service, team, resource, sku, amount, start, period, "billing");
    }

    private static AttributedCost row(String service, String team, String resource, String sku, BigDecimal amount,
            Instant start, Duration period, String source) {
        AttributedCost row = TestRecords.cost(service, team, null, amount.toPlainString(), start, period);
        CostRecord cost = row.getCost();
        cost.setCostSource(source);
        cost.setResourceId(resource);
        cost.setSkuPriceId(sku);
        cost.setEstimateSku(sku);
        cost.setChargeCategory("Usage");
        return row;
    }

    private void pipe(AttributedCost value) {
        costs.pipeInput(value.getAttribution().getService(), value, value.getCost().getChargePeriodStart());
    }
}
