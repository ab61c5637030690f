package io.spendstream.anomaly.contributors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.avro.ChildBaselineRecord;
import io.spendstream.anomaly.avro.ChildCostRecord;
import io.spendstream.anomaly.avro.ContributorBaselinesRecord;
import io.spendstream.anomaly.avro.PendingChildrenRecord;
import io.spendstream.anomaly.core.PrivateAvroSerde;
import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.Contributor;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.Money;

class ContributorBaselinesTest {

    private static final long MINUTE = 60_000L;
    private static final ContributorSettings SETTINGS = ContributorSettings.defaults(LifecycleSettings.defaults());

    private final ContributorBaselines baselines = new ContributorBaselines(SETTINGS);
    private final ContributorBaselinesRecord state = ContributorBaselines.empty();
    private final Random random = new Random(2026);

    @Test
    void shouldNameNoChildOfASteadyNoisyServiceInThreeHours() {
        List<Contributor> named = new ArrayList<>();
        for (int m = 0; m < 180; m++) {
            feed(m, Map.of("i-01", noisy(0.30), "i-02", noisy(0.20), "db-01", noisy(0.50)));
            if (m >= 30) {
                named.addAll(baselines.topContributors(state, m * MINUTE, false));
            }
            baselines.settle(state);
        }

        assertThat(named).isEmpty();
        assertThat(level("resource", "db-01")).isCloseTo(0.50, within(0.03));
        // Minutes 0..168: the others start less than 10 minutes before the newest (179) and have not settled.
        assertThat(state.getLearnedWindows()).isEqualTo(169);
    }

    @Test
    void shouldHoldItsWindowsForTheSeriesOwnWiderHorizonWhileItsUpdatesLag() {
        for (int m = 0; m < 60; m++) {
            feed(m, Map.of("i-01", noisy(0.30), "db-01", noisy(0.50)));
            baselines.settle(state, 40 * MINUTE);
        }

        // Minutes 0..18 start more than 40 minutes before the newest (59); 19..59 wait, past the default cap of 15.
        assertThat(state.getLearnedWindows()).isEqualTo(19);
        assertThat(state.getPending()).hasSize(41);

        // The series' horizon back at settle (10 minutes): the windows held back are learned at once, in order.
        baselines.settle(state);
        assertThat(state.getLearnedWindows()).isEqualTo(49);
        assertThat(state.getPending()).hasSize(11);
    }

    @Test
    void shouldNameTheSpikingResourceAndItsSkuFirstWithTheirShareOfTheExcess() {
        for (int m = 0; m < 60; m++) {
            feed(m, Map.of("i-01", noisy(0.30), "i-02", noisy(0.20), "db-01", noisy(0.50)));
            baselines.settle(state);
        }
        feed(60, Map.of("i-01", noisy(0.30), "i-02", noisy(0.20), "db-01", noisy(5.00)));

        List<Contributor> top = baselines.topContributors(state, 60 * MINUTE, false);

        assertThat(top).extracting(Contributor::getKind, Contributor::getName).containsExactly(
                tuple("resource", "db-01"),
                tuple("sku", "sku-db-01"));
        assertThat(top.get(0).getExpected().doubleValue()).isCloseTo(0.50, within(0.03));
        assertThat(top.get(0).getShare()).isGreaterThan(0.97);
    }

    @Test
    void shouldNameAResourceNeverSeenBeforeWithAllOfItsCost() {
        for (int m = 0; m < 30; m++) {
            feed(m, Map.of("i-01", noisy(1.00)));
            baselines.settle(state);
        }
        feed(30, Map.of("i-01", noisy(1.00), "gpu-01", new BigDecimal("4.00")));

        List<Contributor> top = baselines.topContributors(state, 30 * MINUTE, false);

        assertThat(top.get(0).getName()).isEqualTo("gpu-01");
        assertThat(top.get(0).getExpected()).isEqualByComparingTo("0");
        assertThat(top.get(0).getExcess()).isEqualByComparingTo("4.00");
    }

    @Test
    void shouldExpectOfAnOpenWindowOnlyThePartItsSteadyChildrenShowIsCovered() {
        for (int m = 0; m < 30; m++) {
            feed(m, Map.of("i-01", new BigDecimal("1.00"), "i-02", new BigDecimal("1.00"), "db-01",
                    new BigDecimal("1.00")));
            baselines.settle(state);
        }
        // Half of the window's data so far: the steady ones at half their level, db-01 at ten times that.
        feed(30, Map.of("i-01", new BigDecimal("0.50"), "i-02", new BigDecimal("0.50"), "db-01",
                new BigDecimal("5.00")));

        List<Contributor> partial = baselines.topContributors(state, 30 * MINUTE, true);
        List<Contributor> asIfFinished = baselines.topContributors(state, 30 * MINUTE, false);

        assertThat(partial).extracting(Contributor::getName).containsExactly("db-01", "sku-db-01");
        assertThat(partial.get(0).getExpected()).isEqualByComparingTo("0.50");
        assertThat(partial.get(0).getExcess()).isEqualByComparingTo("4.50");
        assertThat(asIfFinished.get(0).getExpected()).isEqualByComparingTo("1.00");
    }

    @Test
    void shouldNotLearnAnIncidentThatOutlastsTheSettleHorizonAsNormal() {
        for (int m = 0; m < 60; m++) {
            feed(m, Map.of("db-01", noisy(0.50)));
            baselines.settle(state);
        }
        for (int m = 60; m < 90; m++) {
            feed(m, Map.of("db-01", noisy(5.00)));
            baselines.settle(state);
        }

        // Twenty spike windows have settled: clipped, they nudge the level instead of dragging it to 5.
        assertThat(level("resource", "db-01")).isLessThan(1.5);
        assertThat(baselines.topContributors(state, 89 * MINUTE, false)).extracting(Contributor::getName)
                .contains("db-01");
    }

    @Test
    void shouldKeepAtMostTheTrackedNumberOfBaselinesPerKindDroppingTheCheapest() {
        ContributorSettings few = new ContributorSettings(5, 3, new BigDecimal("0.1"), new BigDecimal("4"),
                new BigDecimal("0.1"), Duration.ZERO);
        ContributorBaselines bounded = new ContributorBaselines(few);
        for (int m = 0; m < 5; m++) {
            List<ChildCost> children = new ArrayList<>();
            for (int r = 1; r <= 6; r++) {
                children.add(child("resource", "r" + r, BigDecimal.valueOf(r)));
            }
            bounded.observe(state, m * MINUTE, (m + 1) * MINUTE, children, m * MINUTE, new ChildNames());
            bounded.settle(state);
        }

        assertThat(state.getBaselines()).extracting(ChildBaselineRecord::getName).containsExactly("r4", "r5", "r6");
        assertThat(state.getPending()).hasSize(1);
    }

    @Test
    void shouldIgnoreUpdatesOfASettledWindowAndKeepTheLatestOfAPendingOne() {
        for (int m = 0; m < 20; m++) {
            feed(m, Map.of("i-01", new BigDecimal("1.00")));
            baselines.settle(state);
        }
        long learned = state.getLearnedWindows();
        baselines.observe(state, 2 * MINUTE, 3 * MINUTE, List.of(child("resource", "i-01", BigDecimal.TEN)), 0L,
                new ChildNames());
        baselines.observe(state, 19 * MINUTE, 20 * MINUTE, List.of(child("resource", "i-01", BigDecimal.TEN)),
                19 * MINUTE - 1, new ChildNames());

        assertThat(state.getPending()).noneMatch(p -> p.getWindowStart() == 2 * MINUTE);
        assertThat(baselines.topContributors(state, 19 * MINUTE, false)).as("older update of 19 ignored")
                .isEmpty();
        assertThat(state.getLearnedWindows()).isEqualTo(learned);
    }

    @Test
    void shouldKeepEachChildNameOnceAcrossItsWindowsAndItsCostsExact() {
        // Decoded records bring equal names as distinct objects, every window; the task's names keep one of each.
        ChildNames names = new ChildNames();
        for (int m = 0; m < 3; m++) {
            baselines.observe(state, m * MINUTE, (m + 1) * MINUTE, List.of(
                    child(new String("resource"), new String("i-01"), new BigDecimal("1.000000000001")),
                    child(new String("sku"), new String("BoxUsage"), new BigDecimal("2.5"))), (m + 1) * MINUTE - 1,
                    names);
        }

        List<PendingChildrenRecord> pending = state.getPending();
        assertThat(pending).hasSize(3);
        for (PendingChildrenRecord window : pending.subList(1, 3)) {
            for (int c = 0; c < 2; c++) {
                assertThat(window.getChildren().get(c).getName())
                        .isSameAs(pending.get(0).getChildren().get(c).getName());
                assertThat(window.getChildren().get(c).getKind())
                        .isSameAs(pending.get(0).getChildren().get(c).getKind());
            }
        }
        assertThat(pending.get(2).getChildren()).extracting(ChildCostRecord::getCost)
                .containsExactly(Money.of("1.000000000001"), Money.of("2.5"));
    }

    @Test
    void shouldLearnItsOldestWindowsEarlyToStaySendableWhileADayOfThemIsHeld() {
        // A catch-up hold: the series' settle horizon is the day it holds, so nothing settles by the horizon. Each
        // window lists 20 resources with ARNs and 20 SKUs: unbounded, a day of them is several megabytes.
        long day = Duration.ofDays(1).toMillis();
        for (int m = 0; m < 1440; m++) {
            List<ChildCost> children = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                children.add(child("resource", "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef" + c,
                        BigDecimal.valueOf(c + 1L, 3)));
                children.add(child("sku", "AmazonEC2-BoxUsage:m6i.4xlarge-" + c, BigDecimal.valueOf(c + 1L, 3)));
            }
            baselines.observe(state, m * MINUTE, (m + 1) * MINUTE, children, (m + 1) * MINUTE - 1, new ChildNames());
            baselines.settle(state, day);
        }

        byte[] bytes = new ContributorBaselinesSerde().serializer().serialize("changelog", state);
        assertThat(bytes.length).isLessThan(1024 * 1024);
        int pending = state.getPending().size();
        assertThat(pending).isBetween(30, 1439);
        assertThat(state.getPending().get(pending - 1).getWindowStart()).isEqualTo(1439 * MINUTE);
        // The windows learned early are learned, in order, and the settle line moved past them.
        assertThat(state.getLearnedWindows()).isEqualTo(1440L - pending);
        assertThat(state.getSettledBefore()).isEqualTo(state.getPending().get(0).getWindowStart());
        assertThat(level("resource", "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef4"))
                .isCloseTo(0.005, within(0.0001));
    }

    @Test
    void shouldRoundTripThroughItsVersionedSerdeAndRejectAnUnknownFormat() {
        for (int m = 0; m < 15; m++) {
            feed(m, Map.of("i-01", noisy(0.30), "db-01", noisy(0.50)));
            baselines.settle(state);
        }
        ContributorBaselinesSerde serde = new ContributorBaselinesSerde();

        byte[] bytes = serde.serializer().serialize("changelog", state);

        assertThat(bytes[0]).isEqualTo(ContributorBaselinesSerde.FORMAT_V2);
        assertThat(serde.deserializer().deserialize("changelog", bytes)).isEqualTo(state);
        assertThat(state.getPendingBytes()).isPositive();
        bytes[0] = 7;
        assertThatThrownBy(() -> serde.read(bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown contributor baselines format 7");
    }

    @Test
    void shouldReadFormat1WithThePendingBytesUnknownAndCountThemOnTheNextUpdate() throws IOException {
        Schema pendingSchema = ContributorBaselinesSerde.SCHEMA_V1.getField("pending").schema().getElementType();
        Schema childSchema = pendingSchema.getField("children").schema().getElementType();
        GenericRecord child = new GenericRecordBuilder(childSchema).set("kind", "resource").set("name", "i-01")
                .set("cost", ByteBuffer.wrap(Money.of(new BigDecimal("0.3")).unscaledValue().toByteArray())).build();
        GenericRecord window = new GenericRecordBuilder(pendingSchema).set("windowStart", 0L)
                .set("windowEnd", MINUTE).set("lastTimestamp", MINUTE - 1)
                .set("children", new GenericData.Array<>(Schema.createArray(childSchema), List.of(child))).build();
        GenericRecord old = new GenericRecordBuilder(ContributorBaselinesSerde.SCHEMA_V1)
                .set("pending", new GenericData.Array<>(Schema.createArray(pendingSchema), List.of(window))).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PrivateAvroSerde.FORMAT_V1);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(ContributorBaselinesSerde.SCHEMA_V1).write(old, encoder);
        encoder.flush();

        ContributorBaselinesRecord read = new ContributorBaselinesSerde().read(out.toByteArray());

        assertThat(read.getPending()).singleElement().satisfies(w -> assertThat(w.getChildren()).hasSize(1));
        assertThat(read.getPendingBytes()).isEqualTo(-1);
        baselines.observe(read, MINUTE, 2 * MINUTE, List.of(child("resource", "i-02", BigDecimal.ONE)),
                2 * MINUTE - 1, new ChildNames());
        // Two windows of one child each: 64 bytes per window and per child, three per character of kind and name.
        assertThat(read.getPendingBytes()).isEqualTo(2 * (64 + 64 + 3 * ("resource".length() + "i-01".length())));
    }

    @Test
    void shouldReadItsSettingsAndTakeTheSettleHorizonFromTheLifecycle() {
        ContributorSettings read = ContributorSettings.from(new SpendstreamConfig(Map.of(ContributorSettings.TOP, "3",
                ContributorSettings.NOISE_FACTOR, "5")), LifecycleSettings.defaults());

        assertThat(read.top()).isEqualTo(3);
        assertThat(read.noiseFactor()).isEqualByComparingTo("5");
        assertThat(read.settle()).isEqualTo(LifecycleSettings.defaults().settle());
        assertThatThrownBy(() -> ContributorSettings.from(new SpendstreamConfig(Map.of(ContributorSettings.ALPHA,
                "2")), LifecycleSettings.defaults())).hasMessageContaining(ContributorSettings.ALPHA);
    }

    /** The final children of minute {@code m}: each resource with its own SKU {@code sku-<resource>}. */
    private void feed(int m, Map<String, BigDecimal> resources) {
        List<ChildCost> children = new ArrayList<>();
        resources.forEach((id, cost) -> {
            children.add(child("resource", id, cost));
            children.add(child("sku", "sku-" + id, cost));
        });
        baselines.observe(state, m * MINUTE, (m + 1) * MINUTE, children, (m + 1) * MINUTE - 1, new ChildNames());
    }

    private BigDecimal noisy(double mean) {
        return BigDecimal.valueOf(mean * (1 + 0.05 * random.nextGaussian())).setScale(4, RoundingMode.HALF_EVEN);
    }

    private double level(String kind, String name) {
        return state.getBaselines().stream().filter(b -> b.getKind().equals(kind) && b.getName().equals(name))
                .findFirst().orElseThrow().getLevel().doubleValue();
    }

    private static ChildCost child(String kind, String name, BigDecimal cost) {
        return ChildCost.newBuilder().setKind(kind).setName(name).setCost(Money.of(cost)).build();
    }
}
