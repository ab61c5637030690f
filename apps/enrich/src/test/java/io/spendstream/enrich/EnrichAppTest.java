package io.spendstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

class EnrichAppTest {

    private static final Instant T0800 = Instant.parse("2026-11-23T08:00:00Z");
    private static final Instant T0900 = Instant.parse("2026-11-23T09:00:00Z");
    private static final Instant T1000 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant T1030 = Instant.parse("2026-11-23T10:30:00Z");

    private TopologyFixture fixture;
    private TestInputTopic<String, byte[]> tags;
    private TestInputTopic<String, CostRecord> costs;
    private TestOutputTopic<String, AttributedCost> attributed;
    private TestOutputTopic<byte[], DeadLetter> dlq;

    @BeforeEach
    void start() {
        open(Map.of());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void open(Map<String, String> overrides) {
        if (fixture != null) {
            fixture.close();
        }
        fixture = TopologyFixture.of(new EnrichApp(), overrides);
        tags = fixture.input(fixture.topics().tags);
        costs = fixture.input(fixture.topics().cost);
        attributed = fixture.output(fixture.topics().costAttributed);
        dlq = fixture.output(fixture.topics().dlq);
    }

    @Test
    void shouldAttributeCostToServiceAndTeamOfTaggedResource() {
        tag("i-checkout-1", """
                {"service":"checkout","team":"payments","product":"store","environment":"prod","costCenter":"CC-42"}
                """, T0800);
        costs.pipeInput("charge-1", cost("charge-1", "i-checkout-1", "12.50", T0900, Map.of()), T0900);

        TestRecord<String, AttributedCost> out = attributed.readRecord();
        Attribution owner = out.value().getAttribution();
        assertThat(out.key()).isEqualTo("checkout");
        assertThat(out.getRecordTime()).isEqualTo(T0900);
        assertThat(owner.getService()).isEqualTo("checkout");
        assertThat(owner.getTeam()).isEqualTo("payments");
        assertThat(owner.getProduct()).isEqualTo("store");
        assertThat(owner.getEnvironment()).isEqualTo("prod");
        assertThat(owner.getCostCenter()).isEqualTo("CC-42");
        assertThat(owner.getAllocated()).isTrue();
        assertThat(owner.getUnallocatedReason()).isNull();
        assertThat(owner.getSource()).isEqualTo(AttributionResolver.SOURCE_TAG_TABLE);
        assertThat(out.value().getCost().getEffectiveCost()).isEqualTo(Money.of("12.50"));
        assertThat(fixture.count(AttributionMetrics.ATTRIBUTED, "source", "tag-table")).isEqualTo(1.0);
        assertThat(fixture.count("spendstream.records.out", "stage", "enrich")).isEqualTo(1.0);
        assertThat(fixture.count("spendstream.records.in", "stage", "enrich")).isEqualTo(2.0);
    }

    @Test
    void shouldReportCostOfUntaggedResourceAsUnallocated() {
        costs.pipeInput("charge-1", cost("charge-1", "i-nobody", "3.00", T0900, Map.of()), T0900);

        TestRecord<String, AttributedCost> out = attributed.readRecord();
        assertThat(out.key()).isEqualTo(AttributionResolver.UNALLOCATED_KEY);
        assertThat(out.value().getAttribution().getAllocated()).isFalse();
        assertThat(out.value().getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.UNTAGGED);
        assertThat(out.value().getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_NONE);
        assertThat(out.value().getAttribution().getService()).isNull();
        assertThat(fixture.count(AttributionMetrics.UNALLOCATED, "reason", "untagged")).isEqualTo(1.0);
    }

    @Test
    void shouldFallBackToFocusTagsWhenTagTableDoesNotKnowResource() {
        costs.pipeInput("charge-1",
                cost("charge-1", "i-unknown", "1.00", T0900, Map.of("application", "x", "team", "y")), T0900);

        TestRecord<String, AttributedCost> out = attributed.readRecord();
        assertThat(out.key()).isEqualTo("x");
        assertThat(out.value().getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_FOCUS_TAGS);
        assertThat(out.value().getAttribution().getService()).isEqualTo("x");
        assertThat(out.value().getAttribution().getTeam()).isEqualTo("y");
        assertThat(out.value().getAttribution().getAllocated()).isTrue();
        assertThat(fixture.count(AttributionMetrics.ATTRIBUTED, "source", "focus-tags")).isEqualTo(1.0);
    }

    @Test
    void shouldReportCostWithoutResourceIdAsUnallocatedUnlessItsFocusTagsNameAnOwner() {
        costs.pipeInput("charge-1", cost("charge-1", null, "2.00", T0900, Map.of()), T0900);
        costs.pipeInput("charge-2", cost("charge-2", " ", "2.00", T0900, Map.of()), T0900);
        costs.pipeInput("charge-3",
                cost("charge-3", null, "2.00", T0900, Map.of("Service", "search", "Owner", "discovery")), T0900);

        List<KeyValue<String, AttributedCost>> out = attributed.readKeyValuesToList();
        assertThat(out).hasSize(3);
        assertThat(out.subList(0, 2)).allSatisfy(kv -> {
            assertThat(kv.key).isEqualTo("unallocated");
            assertThat(kv.value.getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.NO_RESOURCE_ID);
        });
        assertThat(out.get(2).key).isEqualTo("search");
        assertThat(out.get(2).value.getAttribution().getTeam()).isEqualTo("discovery");
        assertThat(out.get(2).value.getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_FOCUS_TAGS);
        assertThat(fixture.count(AttributionMetrics.UNALLOCATED, "reason", "no-resource-id")).isEqualTo(2.0);
    }

    @Test
    void shouldKeepServiceButReportMissingTeamWhenTagsHaveNoTeam() {
        tag("i-1", "{\"service\":\"checkout\"}", T0800);
        costs.pipeInput("charge-1", cost("charge-1", "i-1", "1.00", T0900, Map.of("team", "ignored")), T0900);

        TestRecord<String, AttributedCost> out = attributed.readRecord();
        assertThat(out.key()).isEqualTo("checkout");
        assertThat(out.value().getAttribution().getService()).isEqualTo("checkout");
        assertThat(out.value().getAttribution().getTeam()).isNull();
        assertThat(out.value().getAttribution().getAllocated()).isFalse();
        assertThat(out.value().getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.TAG_MISSING_TEAM);
        assertThat(out.value().getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_TAG_TABLE);
        assertThat(fixture.count(AttributionMetrics.UNALLOCATED, "reason", "tag-missing-team")).isEqualTo(1.0);
    }

    @Test
    void shouldCarrySharedFlagOfSharedInfrastructure() {
        tag("eks-cluster-1", "{\"service\":\"platform-k8s\",\"team\":\"platform\",\"shared\":true}", T0800);
        costs.pipeInput("charge-1", cost("charge-1", "eks-cluster-1", "40.00", T0900, Map.of()), T0900);

        Attribution owner = attributed.readValue().getAttribution();
        assertThat(owner.getShared()).isTrue();
        assertThat(owner.getAllocated()).isTrue();
    }

    /**
     * FOCUS 1.3 split cost allocation: the provider already divided the shared cluster's charge between namespaces.
     * Each share is owned by its allocated resource, and none is apportioned again as shared infrastructure.
     */
    @Test
    void shouldAttributeAProviderSplitRowByItsAllocatedResourceAndNeverAsShared() {
        tag("eks-cluster-1", "{\"service\":\"platform-k8s\",\"team\":\"platform\",\"shared\":true}", T0800);
        tag("eks-cluster-1/ns/checkout", "{\"service\":\"checkout\",\"team\":\"payments\"}", T0800);
        costs.pipeInput("share-1", providerSplit("share-1", "eks-cluster-1/ns/checkout", "3.00", Map.of()), T0900);
        costs.pipeInput("share-2", providerSplit("share-2", "eks-cluster-1/ns/search", "2.00",
                Map.of("service", "search", "team", "discovery")), T0900);
        costs.pipeInput("share-3", providerSplit("share-3", "eks-cluster-1/ns/batch", "1.00", Map.of()), T0900);

        List<AttributedCost> out = attributed.readValuesToList();
        assertThat(out).hasSize(3);
        assertThat(out).extracting(a -> a.getAttribution().getShared()).containsOnly(false);
        assertThat(out.get(0).getAttribution().getService()).isEqualTo("checkout");
        assertThat(out.get(0).getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_TAG_TABLE);
        assertThat(out.get(1).getAttribution().getTeam()).as("AllocatedTags").isEqualTo("discovery");
        assertThat(out.get(1).getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_FOCUS_TAGS);
        assertThat(out.get(2).getAttribution().getAllocated()).as("an allocated resource nobody tagged").isFalse();
        assertThat(out.get(2).getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.TAG_MISSING_TEAM);

        // The same origin resource without a provider split is still shared infrastructure.
        costs.pipeInput("charge-1", cost("charge-1", "eks-cluster-1", "6.00", T0900, Map.of()), T0900);
        assertThat(attributed.readValue().getAttribution().getShared()).isTrue();
    }

    /** A share of the cluster's charge, its Tags saying shared (the origin's tags) as the FOCUS 1.3 rows do. */
    private static CostRecord providerSplit(String chargeId, String allocatedResourceId, String amount,
            Map<String, String> allocatedTags) {
        return CostRecord.newBuilder(cost(chargeId, "eks-cluster-1", amount, T0900, Map.of("shared", "true")))
                .setProviderSplit(true)
                .setAllocatedMethodId("CPU-MEMORY-RATIO")
                .setAllocatedResourceId(allocatedResourceId)
                .setAllocatedTags(allocatedTags)
                .build();
    }

    @Test
    void shouldAttributeEachCostWithTagsValidAtItsEventTime() {
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\",\"validFrom\":\"2026-11-23T08:00:00Z\"}", T0800);
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"platform\",\"validFrom\":\"2026-11-23T10:00:00Z\"}", T1000);
        // The later cost first, then one from before the change, as a lagging billing export delivers them.
        costs.pipeInput("charge-late", cost("charge-late", "i-1", "1.00", T1030, Map.of()), T1030);
        costs.pipeInput("charge-early", cost("charge-early", "i-1", "1.00", T0900, Map.of()), T0900);

        Map<String, String> teamByCharge = teamsByCharge(attributed.readValuesToList());
        assertThat(teamByCharge).containsExactlyInAnyOrderEntriesOf(
                Map.of("charge-late", "platform", "charge-early", "payments"));
    }

    @Test
    void shouldNotReattributeEarlierCostsWhenTagsChangeWithoutValidFrom() {
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\"}", T0800);
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"platform\"}", T1000);
        costs.pipeInput("charge-0900", cost("charge-0900", "i-1", "1.00", T0900, Map.of()), T0900);
        costs.pipeInput("charge-1030", cost("charge-1030", "i-1", "1.00", T1030, Map.of()), T1030);
        // Before the first tags were sent: the first tags of a resource describe it as it has been.
        Instant yesterday = T0800.minus(Duration.ofDays(1));
        costs.pipeInput("charge-yesterday", cost("charge-yesterday", "i-1", "1.00", yesterday, Map.of()), yesterday);

        assertThat(teamsByCharge(attributed.readValuesToList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "charge-0900", "payments", "charge-1030", "platform", "charge-yesterday", "payments"));
    }

    @Test
    void shouldStopAttributingFromTombstoneOnButKeepEarlierCostsTagged() {
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\"}", T0800);
        tags.pipeInput("i-1", null, T1000);
        costs.pipeInput("charge-1030", cost("charge-1030", "i-1", "1.00", T1030, Map.of()), T1030);
        costs.pipeInput("charge-0900", cost("charge-0900", "i-1", "1.00", T0900, Map.of()), T0900);

        List<AttributedCost> out = attributed.readValuesToList();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.UNTAGGED);
        assertThat(out.get(1).getAttribution().getTeam()).isEqualTo("payments");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldApplyTagsSentAgainAfterTombstoneOnlyFromThenOn() {
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\"}", T0800);
        tags.pipeInput("i-1", null, T0900);
        tag("i-1", "{\"service\":\"search\",\"team\":\"discovery\"}", T1000);
        costs.pipeInput("charge-0930", cost("charge-0930", "i-1", "1.00", T0900.plusSeconds(1800), Map.of()),
                T0900.plusSeconds(1800));
        costs.pipeInput("charge-1030", cost("charge-1030", "i-1", "1.00", T1030, Map.of()), T1030);

        List<KeyValue<String, AttributedCost>> out = attributed.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key).containsExactly("unallocated", "search");
    }

    @Test
    void shouldDeadLetterTagsThatDoNotParseAndKeepGoing() {
        tags.pipeInput("i-1", bytes("{not json"), T0800);
        tags.pipeInput(null, bytes("{\"service\":\"checkout\"}"), T0800);
        tags.pipeInput("i-1", bytes("{\"service\":\"checkout\",\"validFrom\":\"yesterday\"}"), T0800);
        tags.pipeInput("i-1", bytes("{\"service\":42}"), T0800);
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\"}", T0800);
        costs.pipeInput("charge-1", cost("charge-1", "i-1", "1.00", T0900, Map.of()), T0900);

        List<DeadLetter> dead = dlq.readValuesToList();
        assertThat(dead).extracting(DeadLetter::getReason)
                .containsExactly("invalid-json", "missing-key", "invalid-timestamp", "invalid-field");
        assertThat(dead).allSatisfy(letter -> {
            assertThat(letter.getPhase()).isEqualTo(FailurePhase.VALIDATION);
            assertThat(letter.getStage()).isEqualTo("enrich");
            assertThat(letter.getSourceTopic()).isEqualTo("spend.tags");
        });
        assertThat(StandardCharsets.UTF_8.decode(dead.get(0).getRawValue()).toString()).isEqualTo("{not json");
        assertThat(attributed.readValue().getAttribution().getTeam()).isEqualTo("payments");
        assertThat(fixture.count("spendstream.records.dead.lettered", "stage", "enrich")).isEqualTo(4.0);
    }

    @Test
    void shouldUseTagsArrivingWithinGraceEvenWhenValidBeforeAnEarlierCost() {
        open(Map.of(EnrichSettings.JOIN_GRACE, "5m"));
        costs.pipeInput("charge-1", cost("charge-1", "i-1", "1.00", T1000, Map.of()), T1000);
        // Arrives after the cost, but says it was valid before it.
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\",\"validFrom\":\"2026-11-23T09:00:00Z\"}", T1000);
        assertThat(attributed.isEmpty()).isTrue();

        Instant pastGrace = T1000.plus(Duration.ofMinutes(6));
        costs.pipeInput("charge-2", cost("charge-2", "i-1", "1.00", pastGrace, Map.of()), pastGrace);

        TestRecord<String, AttributedCost> first = attributed.readRecord();
        assertThat(first.value().getCost().getChargeId()).isEqualTo("charge-1");
        assertThat(first.value().getAttribution().getTeam()).isEqualTo("payments");
        assertThat(first.getRecordTime()).isEqualTo(T1000);
    }

    @Test
    void shouldWriteOneAttributedLineForEveryCostLineSoNoMoneyIsLost() {
        Random random = new Random(42);
        for (int r = 0; r < 20; r++) {
            tag("i-" + r, "{\"service\":\"svc-" + r % 7 + "\",\"team\":\"team-" + r % 3 + "\"}", T0800);
        }
        tags.pipeInput("i-3", null, T1000);
        BigDecimal in = Money.ZERO;
        Map<String, BigDecimal> inByCharge = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            String chargeId = "charge-" + i;
            int kind = random.nextInt(10);
            String resourceId = kind == 0 ? null : "i-" + random.nextInt(30);
            Map<String, String> focusTags = kind == 1 ? Map.of("app", "focus-app") : Map.of();
            // Restatement deltas can be negative: they must pass through too.
            BigDecimal amount = Money.of(BigDecimal.valueOf(random.nextLong(-1_000_000_000L, 100_000_000_000L), 9));
            Instant eventTime = T0800.plus(Duration.ofMinutes(random.nextInt(240)));
            costs.pipeInput(chargeId, cost(chargeId, resourceId, amount.toPlainString(), eventTime, focusTags),
                    eventTime);
            in = in.add(amount);
            inByCharge.put(chargeId, amount);
        }

        List<AttributedCost> out = attributed.readValuesToList();
        BigDecimal outSum = out.stream().map(a -> a.getCost().getEffectiveCost()).reduce(Money.ZERO, BigDecimal::add);
        Map<String, BigDecimal> outByCharge = out.stream().collect(Collectors.toMap(
                a -> a.getCost().getChargeId(), a -> a.getCost().getEffectiveCost()));
        assertThat(out).hasSize(400);
        assertThat(outSum).isEqualByComparingTo(in);
        assertThat(outByCharge).isEqualTo(inByCharge);
        double attributedLines = fixture.count(AttributionMetrics.ATTRIBUTED);
        double unallocatedLines = fixture.count(AttributionMetrics.UNALLOCATED);
        assertThat(attributedLines + unallocatedLines).isEqualTo(400.0);
        assertThat(unallocatedLines).isPositive();
        assertThat(fixture.count("spendstream.records.dead.lettered")).isZero();
    }

    @Test
    void shouldAttributeFromConfiguredFocusTagKeys() {
        open(Map.of(EnrichSettings.FOCUS_TAGS_TEAM, "squad"));
        costs.pipeInput("charge-1",
                cost("charge-1", "i-unknown", "1.00", T0900, Map.of("service", "checkout", "Squad", "payments")),
                T0900);
        // "team" is no longer a team key once the list is replaced.
        costs.pipeInput("charge-2",
                cost("charge-2", "i-unknown", "1.00", T0900, Map.of("service", "search", "team", "discovery")),
                T0900);

        List<AttributedCost> out = attributed.readValuesToList();
        assertThat(out.get(0).getAttribution().getTeam()).isEqualTo("payments");
        assertThat(out.get(0).getAttribution().getAllocated()).isTrue();
        assertThat(out.get(0).getAttribution().getSource()).isEqualTo(AttributionResolver.SOURCE_FOCUS_TAGS);
        assertThat(out.get(1).getAttribution().getTeam()).isNull();
        assertThat(out.get(1).getAttribution().getUnallocatedReason()).isEqualTo(AttributionResolver.TAG_MISSING_TEAM);
    }

    @Test
    void shouldPublishCostWeightedUnallocatedShareAndTagCoverage() {
        tag("i-1", "{\"service\":\"checkout\",\"team\":\"payments\"}", T0800);
        costs.pipeInput("charge-1", cost("charge-1", "i-1", "30.00", T0900, Map.of()), T0900);
        costs.pipeInput("charge-2", cost("charge-2", "i-untagged", "10.00", T0900, Map.of()), T0900);
        // A credit on the untagged resource must not cancel its charge out of the share.
        costs.pipeInput("charge-3", cost("charge-3", "i-untagged", "-10.00", T0900, Map.of()), T0900);
        costs.pipeInput("charge-4",
                cost("charge-4", null, "0.00", T0900, Map.of("service", "search", "team", "discovery")), T0900);

        assertThat(attributed.readValuesToList()).hasSize(4);
        // |10| + |-10| unallocated out of |30| + |10| + |-10| + 0.
        assertThat(gauge(CostCoverage.UNALLOCATED_SHARE)).isCloseTo(0.4, within(1e-12));
        // One line of four came from the tag table; the focus-tags line counts as attributed but not as covered.
        assertThat(gauge(CostCoverage.TAG_COVERAGE)).isCloseTo(0.25, within(1e-12));
    }

    private double gauge(String name) {
        return fixture.meters().get(name).gauge().value();
    }

    @Test
    void shouldNameEveryProcessorStoreAndTopic() {
        String description = fixture.topology().describe().toString();
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
        assertThat(description).contains(ResourceTagsTable.STORE, TagVersioningProcessor.SEEN_STORE,
                CostAttribution.REPARTITION + "-repartition");
    }

    private void tag(String resourceId, String json, Instant sentAt) {
        tags.pipeInput(resourceId, bytes(json), sentAt);
    }

    private static byte[] bytes(String text) {
        return text.strip().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> teamsByCharge(List<AttributedCost> out) {
        Map<String, String> teams = new HashMap<>();
        out.forEach(a -> teams.put(a.getCost().getChargeId(), a.getAttribution().getTeam()));
        return teams;
    }

    static CostRecord cost(String chargeId, String resourceId, String amount, Instant start,
            Map<String, String> focusTags) {
        return CostRecord.newBuilder()
                .setChargeId(chargeId)
                .setChargePeriodStart(start)
                .setChargePeriodEnd(start.plus(Duration.ofHours(1)))
                .setEffectiveCost(Money.of(amount))
                .setBilledCost(Money.of(amount))
                .setCurrency("USD")
                .setOriginalEffectiveCost(Money.of(amount))
                .setOriginalCurrency("USD")
                .setResourceId(resourceId)
                .setServiceName("Amazon Elastic Compute Cloud")
                .setTags(focusTags)
                .build();
    }
}
