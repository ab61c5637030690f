package io.spendstream.anomaly.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.AnomalyAppTest;
import io.spendstream.anomaly.UnitCostFeed;
import io.spendstream.anomaly.avro.AlertGateStateRecord;
import io.spendstream.anomaly.burn.BurnRateSettings;
import io.spendstream.anomaly.burn.BurnRateTopology;
import io.spendstream.avro.Alert;
import io.spendstream.avro.AlertStatus;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.BurnWindow;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.Money;

/**
 * The alert gate of {@link AnomalyApp} end to end (issue 6, alert hygiene): alerts raised by the real burn-rate rules
 * and cost-spike detector, silences and tags piped into their real topics, what reaches {@code spend.alerts}. The
 * wall clock (silences, cooldown) starts at {@link TopologyFixture#START} like stream time, and only moves when a
 * test advances it. Burn-rate anomalies here resolve on the first quiet evaluation ({@code resolve-after=0s}).
 */
public class AlertGateTest {

    private static final Instant T0 = TopologyFixture.START;
    private static final Duration COOLDOWN = AlertGateSettings.defaults().cooldown();
    private static final Duration GROUP_WAIT = AlertGateSettings.defaults().groupWait();
    private static final String SEARCH_BUDGET = "service:search";
    private static final String SEARCH_BUDGET_KEY = "burn-rate:budget:service:search";
    private static final String PAYMENTS = "team:payments";
    private static final String PAYMENTS_KEY = "burn-rate:budget:team:payments";
    private static final String CHECKOUT_BUDGET = "service:checkout";
    private static final String CHECKOUT_BUDGET_KEY = "burn-rate:budget:service:checkout";

    @Test
    void shouldDropASecondFiringForAnOpenKeyAndPassAnEscalation() {
        try (Gate g = new Gate(Map.of())) {
            g.burn(PAYMENTS, T0, TICKET);
            // The burn-rate rules forget the scope (a store reset, a state-format upgrade) and raise it afresh.
            g.fixture.driver().getKeyValueStore(BurnRateTopology.STORE).delete(PAYMENTS);
            g.burn(PAYMENTS, T0.plusSeconds(10), TICKET);
            g.burn(PAYMENTS, T0.plusSeconds(20), PAGE);
            g.burn(PAYMENTS, T0.plusSeconds(30), PAGE);

            assertThat(g.anomalies.readValuesToList()).extracting(Anomaly::getState).containsExactly(
                    AnomalyState.OPEN, AnomalyState.OPEN, AnomalyState.UPDATE);
            assertThat(g.alerts.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getStatus(),
                    kv -> kv.value.getSeverity()).containsExactly(
                    tuple(PAYMENTS_KEY, AlertStatus.FIRING, Severity.TICKET),
                    tuple(PAYMENTS_KEY, AlertStatus.FIRING, Severity.PAGE));
            assertThat(g.suppressed("duplicate")).isEqualTo(1);
            assertThat(g.fixture.count(AlertGateTopology.EMITTED, "status", "firing")).isEqualTo(2);
        }
    }

    @Test
    void shouldHoldAResolveForTheCooldownSoThatAFlapDoesNotPageTwice() {
        try (Gate g = new Gate(Map.of())) {
            g.burn(PAYMENTS, T0, PAGE);
            g.burn(PAYMENTS, T0.plusSeconds(60), QUIET);
            g.fixture.driver().advanceWallClockTime(Duration.ofMinutes(3));
            assertThat(g.alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);

            // It comes back three minutes later: the detector opens a second anomaly, on-call gets no second page.
            g.burn(PAYMENTS, T0.plusSeconds(240), PAGE);
            g.burn(PAYMENTS, T0.plusSeconds(300), QUIET);
            g.fixture.driver().advanceWallClockTime(COOLDOWN.minusSeconds(10));
            assertThat(g.alerts.isEmpty()).as("still inside the cooldown of the second resolve").isTrue();
            g.fixture.driver().advanceWallClockTime(Duration.ofSeconds(10));

            List<Alert> resolved = g.alerts.readValuesToList();
            assertThat(resolved).extracting(Alert::getStatus).containsExactly(AlertStatus.RESOLVED);
            assertThat(resolved.get(0).getEndsAt()).isEqualTo(T0.plusSeconds(300));
            assertThat(resolved.get(0).getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(g.anomalies.readValuesToList()).filteredOn(a -> a.getState() == AnomalyState.OPEN).hasSize(2);
            assertThat(g.suppressed("cooldown")).isEqualTo(1);

            // After the cooldown a new incident pages at once.
            g.burn(PAYMENTS, T0.plusSeconds(1200), PAGE);
            assertThat(g.alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);
        }
    }

    @Test
    void shouldResolveAtOnceWithoutACooldown() {
        try (Gate g = new Gate(Map.of(AlertGateSettings.COOLDOWN, "0s"))) {
            g.burn(PAYMENTS, T0, PAGE);
            g.burn(PAYMENTS, T0.plusSeconds(60), QUIET);

            assertThat(g.alerts.readValuesToList()).extracting(Alert::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        }
    }

    @Test
    void shouldRaiseNothingForACostSpikeOfASilencedService() {
        try (Gate g = new Gate(AnomalyAppTest.SERVICE_ONLY)) {
            // Service scope only: a service silence does not cover the cost spike of the service's team.
            g.silence("load-test", "service", "checkout", T0.minusSeconds(3600), T0.plusSeconds(3 * 3600));
            UnitCostFeed feed = new UnitCostFeed(g.fixture.input(g.fixture.topics().unitCost), 6);
            Random random = new Random(5);
            for (int m = 0; m < 80; m++) {
                double mean = m >= 60 && m < 70 ? 10.00 : 1.00;
                feed.window("checkout", T0.plus(Duration.ofMinutes(m)), UnitCostFeed.noisy(random, mean, 0.05));
                if (m == 65) {
                    // The spike's FIRING waited for a parent; it is released into the silence.
                    g.fixture.driver().advanceWallClockTime(GROUP_WAIT);
                }
            }
            g.fixture.driver().advanceWallClockTime(COOLDOWN);

            assertThat(g.anomalies.readValuesToList()).extracting(Anomaly::getState)
                    .contains(AnomalyState.OPEN, AnomalyState.RESOLVED);
            assertThat(g.alerts.readValuesToList()).isEmpty();
            // The FIRING, and the RESOLVED of an alert nobody was told about.
            assertThat(g.suppressed("silenced")).isEqualTo(2);
        }
    }

    @Test
    void shouldReleaseASilencedPageWithCurrentFiguresAHeldNoteAndResolveItWithoutTheCooldown() {
        try (Gate g = new Gate(AnomalyAppTest.SERVICE_ONLY_NO_GROUP_WAIT)) {
            g.silence("deploy", "service", "checkout", T0.minusSeconds(3600), T0.plusSeconds(1800));
            UnitCostFeed feed = new UnitCostFeed(g.fixture.input(g.fixture.topics().unitCost), 6);
            Random random = new Random(5);
            for (int m = 0; m < 66; m++) {
                double mean = m >= 60 ? 10.00 : 1.00;
                feed.window("checkout", T0.plus(Duration.ofMinutes(m)), UnitCostFeed.noisy(random, mean, 0.05));
            }
            assertThat(g.alerts.isEmpty()).as("held by the silence").isTrue();

            // The silence ends (wall clock 10:30Z) while the spike still runs: the page goes out now.
            g.fixture.driver().advanceWallClockTime(Duration.ofMinutes(30));
            List<Alert> released = g.alerts.readValuesToList();
            // The spike stops; its RESOLVED follows at once, not a cooldown later.
            for (int m = 66; m < 72; m++) {
                feed.window("checkout", T0.plus(Duration.ofMinutes(m)), UnitCostFeed.noisy(random, 1.00, 0.05));
            }
            List<Alert> resolved = g.alerts.readValuesToList();

            assertThat(released).singleElement().satisfies(page -> {
                assertThat(page.getStatus()).isEqualTo(AlertStatus.FIRING);
                // The figures of the latest finished minute (only UPDATEs say "so far"), not of the opening one.
                assertThat(page.getSummary()).contains("USD excess so far")
                        .endsWith("(held by a silence 10:00Z-10:30Z; figures as of release)");
                assertThat(page.getAnnotations()).containsEntry("held_by_silence", "10:00Z-10:30Z")
                        .doesNotContainKey("refresh");
            });
            assertThat(resolved).singleElement().satisfies(r -> {
                assertThat(r.getStatus()).isEqualTo(AlertStatus.RESOLVED);
                assertThat(r.getAnnotations()).containsEntry("held_by_silence", "10:00Z-10:30Z");
            });
            assertThat(g.suppressed("silenced")).isEqualTo(1);
        }
    }

    @Test
    void shouldSilenceByTeamAndFireWhenTheSilenceEndsWhileStillOpen() {
        try (Gate g = new Gate(Map.of())) {
            g.tag("i-123", "{\"service\":\"checkout\",\"team\":\"payments\"}");
            g.silence("db-migration", "team", "payments", T0.minusSeconds(60), T0.plusSeconds(1800));
            g.burn(CHECKOUT_BUDGET, T0, PAGE);
            g.burn(PAYMENTS, T0.plusSeconds(5), TICKET);
            g.fixture.driver().advanceWallClockTime(Duration.ofMinutes(29));
            assertThat(g.alerts.isEmpty()).isTrue();

            g.fixture.driver().advanceWallClockTime(Duration.ofMinutes(1));

            List<Alert> fired = g.alerts.readValuesToList();
            assertThat(fired).extracting(Alert::getDedupKey, Alert::getStatus).containsExactlyInAnyOrder(
                    tuple(CHECKOUT_BUDGET_KEY, AlertStatus.FIRING), tuple(PAYMENTS_KEY, AlertStatus.FIRING));
            Alert checkout = fired.stream().filter(a -> a.getDedupKey().equals(CHECKOUT_BUDGET_KEY)).findFirst()
                    .orElseThrow();
            assertThat(checkout.getStartsAt()).isEqualTo(T0);
            assertThat(checkout.getLabels()).containsEntry("team", "payments").containsEntry("service", "checkout");
            assertThat(g.suppressed("silenced")).isEqualTo(2);
        }
    }

    @Test
    void shouldLetAlertsThroughAtOnceWhenTheirSilenceIsDeleted() {
        try (Gate g = new Gate(Map.of())) {
            g.silence("all-quiet", "all", null, T0.minusSeconds(60), T0.plusSeconds(7200));
            g.burn(PAYMENTS, T0, PAGE);
            assertThat(g.alerts.isEmpty()).isTrue();

            g.silences.pipeInput("all-quiet", null, T0.plusSeconds(20));

            assertThat(g.alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);
        }
    }

    @Test
    void shouldNotSilenceOtherScopesOrOutsideTheSilencesTimeRange() {
        try (Gate g = new Gate(Map.of())) {
            g.silence("other", "service", "search", T0.minusSeconds(60), T0.plusSeconds(7200));
            g.silence("later", "budget", PAYMENTS, T0.plusSeconds(3600), T0.plusSeconds(7200));
            g.burn(PAYMENTS, T0, PAGE);

            assertThat(g.alerts.readValuesToList()).extracting(Alert::getDedupKey).containsExactly(PAYMENTS_KEY);
        }
    }

    @Test
    void shouldSkipATagWhoseServiceIsTooLongToBeAKeyAndStillUseTheOthers() {
        // Issue 15: this tag's service became the key (and part of the value) of the gate's repartition record,
        // 1.8 MB, which the broker refused. Enrich dead-letters the tag (field-too-long); the gate only counts it.
        try (Gate g = new Gate(Map.of(AlertGateSettings.COOLDOWN, "0s"))) {
            g.tag("i-999", "{\"service\":\"" + "s".repeat(900_000) + "\",\"team\":\"payments\"}");
            g.tag("i-123", "{\"service\":\"checkout\",\"team\":\"payments\"}");
            g.burn(PAYMENTS, T0, PAGE);
            g.burn(CHECKOUT_BUDGET, T0.plusSeconds(10), PAGE);

            assertThat(g.fixture.count(AlertGateTopology.TAGS_UNREADABLE)).isEqualTo(1);
            assertThat(g.alerts.readValuesToList()).extracting(Alert::getDedupKey)
                    .containsExactly(PAYMENTS_KEY, CHECKOUT_BUDGET_KEY);
        }
    }

    @Test
    void shouldGroupAServiceAlertUnderItsTeamsBurnRatePageAndPageItOnlyWhenTheParentResolves() {
        try (Gate g = new Gate(Map.of(AlertGateSettings.COOLDOWN, "0s"))) {
            g.tag("i-123", "{\"service\":\"checkout\",\"team\":\"payments\"}");
            g.tag("i-456", "{\"service\":\"search\",\"team\":\"discovery\"}");
            g.burn(PAYMENTS, T0, PAGE);
            g.burn(CHECKOUT_BUDGET, T0.plusSeconds(10), PAGE);
            g.burn(SEARCH_BUDGET, T0.plusSeconds(10), PAGE);

            List<Alert> first = g.alerts.readValuesToList();
            // checkout's parent is already open: grouped at once. search has none: it waits for one first.
            assertThat(first).extracting(Alert::getDedupKey, Alert::getSeverity).containsExactly(
                    tuple(PAYMENTS_KEY, Severity.PAGE),
                    tuple(CHECKOUT_BUDGET_KEY, Severity.TICKET));
            Alert child = first.get(1);
            assertThat(child.getLabels()).containsEntry("group", PAYMENTS_KEY).containsEntry("team", "payments")
                    .containsEntry("severity", "ticket");
            assertThat(child.getSummary()).endsWith("(grouped under " + PAYMENTS_KEY + ")");
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT);
            Alert search = g.alerts.readValue();
            assertThat(search.getDedupKey()).isEqualTo(SEARCH_BUDGET_KEY);
            assertThat(search.getSeverity()).isEqualTo(Severity.PAGE);
            assertThat(search.getLabels()).doesNotContainKey("group");
            assertThat(g.fixture.count(AlertGateTopology.GROUPED)).isEqualTo(1);

            // The team's burn stops while checkout still burns: checkout now pages on its own, in the same group.
            g.burn(PAYMENTS, T0.plusSeconds(60), QUIET);
            List<Alert> after = g.alerts.readValuesToList();
            assertThat(after).extracting(Alert::getDedupKey, Alert::getStatus, Alert::getSeverity).containsExactly(
                    tuple(PAYMENTS_KEY, AlertStatus.RESOLVED, Severity.PAGE),
                    tuple(CHECKOUT_BUDGET_KEY, AlertStatus.FIRING, Severity.PAGE));
            assertThat(after.get(1).getLabels()).containsEntry("group", PAYMENTS_KEY);

            g.burn(CHECKOUT_BUDGET, T0.plusSeconds(70), QUIET);
            Alert resolved = g.alerts.readValue();
            assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
            assertThat(resolved.getLabels()).isEqualTo(after.get(1).getLabels());
        }
    }

    @Test
    void shouldHoldAChildThatArrivesBeforeItsParentAndSendItGroupedWhenTheParentFires() {
        try (Gate g = new Gate(Map.of())) {
            g.tag("i-123", "{\"service\":\"checkout\",\"team\":\"payments\"}");
            // The service's page reaches its gate task before the copy of its team's page does.
            g.burn(CHECKOUT_BUDGET, T0, PAGE);
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT.minusSeconds(5));
            assertThat(g.alerts.isEmpty()).as("the child waits for a parent").isTrue();

            g.burn(PAYMENTS, T0.plusSeconds(10), PAGE);

            List<Alert> sent = g.alerts.readValuesToList();
            assertThat(sent).extracting(Alert::getDedupKey, Alert::getStatus, Alert::getSeverity).containsExactly(
                    tuple(PAYMENTS_KEY, AlertStatus.FIRING, Severity.PAGE),
                    tuple(CHECKOUT_BUDGET_KEY, AlertStatus.FIRING, Severity.TICKET));
            assertThat(sent.get(1).getLabels()).containsEntry("group", PAYMENTS_KEY).containsEntry("team", "payments");
            assertThat(sent.get(1).getStartsAt()).isEqualTo(T0);
            assertThat(g.fixture.count(AlertGateTopology.GROUPED)).isEqualTo(1);
            assertThat(g.fixture.count(AlertGateTopology.WAITED)).isEqualTo(1);

            g.fixture.driver().advanceWallClockTime(GROUP_WAIT.multipliedBy(4));
            assertThat(g.alerts.isEmpty()).as("released once, when the parent came").isTrue();
        }
    }

    @Test
    void shouldSendAChildWithoutAParentAsItIsOnceWhenItsGroupWaitEnds() {
        try (Gate g = new Gate(Map.of())) {
            g.tag("i-456", "{\"service\":\"search\",\"team\":\"discovery\"}");
            g.burn(SEARCH_BUDGET, T0, PAGE);
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT.minusSeconds(1));
            assertThat(g.alerts.isEmpty()).isTrue();

            g.fixture.driver().advanceWallClockTime(Duration.ofSeconds(1));
            g.fixture.driver().advanceWallClockTime(Duration.ofMinutes(5));
            // A later update of the same page changes nothing.
            g.burn(SEARCH_BUDGET, T0.plusSeconds(60), PAGE);

            List<Alert> sent = g.alerts.readValuesToList();
            assertThat(sent).extracting(Alert::getDedupKey, Alert::getStatus, Alert::getSeverity)
                    .containsExactly(tuple(SEARCH_BUDGET_KEY, AlertStatus.FIRING, Severity.PAGE));
            assertThat(sent.get(0).getLabels()).containsEntry("team", "discovery").doesNotContainKey("group");
            assertThat(sent.get(0).getStartsAt()).isEqualTo(T0);
            assertThat(g.fixture.count(AlertGateTopology.EMITTED)).isEqualTo(1);
            assertThat(g.fixture.count(AlertGateTopology.GROUPED)).isZero();
        }
    }

    @Test
    void shouldSendNeitherTheFiringNorTheResolveOfAChildThatResolvesWhileHeld() {
        try (Gate g = new Gate(Map.of())) {
            g.burn(SEARCH_BUDGET, T0, PAGE);
            g.fixture.driver().advanceWallClockTime(Duration.ofSeconds(5));
            g.burn(SEARCH_BUDGET, T0.plusSeconds(5), QUIET);
            g.fixture.driver().advanceWallClockTime(COOLDOWN.plus(GROUP_WAIT));

            assertThat(g.alerts.isEmpty()).as("no page, and no RESOLVED for a page nobody got").isTrue();
            // Not lost: the anomaly's lifecycle is on spend.anomalies, and the pair is counted.
            assertThat(g.anomalies.readValuesToList()).extracting(Anomaly::getState)
                    .containsExactly(AnomalyState.OPEN, AnomalyState.RESOLVED);
            assertThat(g.suppressed("group-wait")).isEqualTo(2);
            assertThat(g.fixture.driver().getKeyValueStore(AlertGateTopology.GATE_STORE).get(SEARCH_BUDGET_KEY))
                    .as("the key is forgotten").isNull();

            // The next incident of the key starts afresh.
            g.burn(SEARCH_BUDGET, T0.plusSeconds(120), PAGE);
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT);
            assertThat(g.alerts.readValuesToList()).extracting(Alert::getStatus).containsExactly(AlertStatus.FIRING);
        }
    }

    @Test
    void shouldSendAHeldChildOnceAcrossRestarts() {
        List<KeyValue<String, AlertGateStateRecord>> stored;
        try (Gate g = new Gate(Map.of())) {
            g.burn(SEARCH_BUDGET, T0, PAGE);
            g.fixture.driver().advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(g.alerts.isEmpty()).isTrue();
            stored = g.gateStore();
        }
        try (Gate g = new Gate(Map.of())) {
            // What a restart restores from the store's changelog; the wall clock catches up with the crash.
            g.restore(stored);
            g.fixture.driver().advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(g.alerts.isEmpty()).isTrue();
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT.minusSeconds(10));
            assertThat(g.alerts.readValuesToList()).extracting(Alert::getDedupKey, Alert::getStartsAt)
                    .containsExactly(tuple(SEARCH_BUDGET_KEY, T0));
            stored = g.gateStore();
        }
        try (Gate g = new Gate(Map.of())) {
            // Restarted again after it went out: the store says so, nothing is sent twice.
            g.restore(stored);
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT.multipliedBy(2));
            g.burn(SEARCH_BUDGET, T0.plusSeconds(60), PAGE);
            assertThat(g.alerts.isEmpty()).isTrue();
            assertThat(g.suppressed("duplicate")).isEqualTo(1);
        }
    }

    @Test
    void shouldNotRegroupAChildAlreadySentWhenItsParentFiresLater() {
        try (Gate g = new Gate(Map.of())) {
            g.tag("i-123", "{\"service\":\"checkout\",\"team\":\"payments\"}");
            g.burn(CHECKOUT_BUDGET, T0, PAGE);
            g.fixture.driver().advanceWallClockTime(GROUP_WAIT);
            g.burn(PAYMENTS, T0.plusSeconds(60), PAGE);
            g.burn(CHECKOUT_BUDGET, T0.plusSeconds(70), PAGE);

            List<Alert> sent = g.alerts.readValuesToList();
            assertThat(sent).extracting(Alert::getDedupKey, Alert::getSeverity).containsExactly(
                    tuple(CHECKOUT_BUDGET_KEY, Severity.PAGE), tuple(PAYMENTS_KEY, Severity.PAGE));
            assertThat(sent.get(0).getLabels()).doesNotContainKey("group");
            assertThat(g.fixture.count(AlertGateTopology.GROUPED)).isZero();
        }
    }

    @Test
    void shouldNeverHoldAParentPage() {
        try (Gate g = new Gate(Map.of())) {
            g.burn(PAYMENTS, T0, PAGE);
            g.burn("all", T0, PAGE);

            assertThat(g.alerts.readValuesToList()).extracting(Alert::getDedupKey)
                    .containsExactly(PAYMENTS_KEY, "burn-rate:budget:all");
            assertThat(g.fixture.count(AlertGateTopology.WAITED)).isZero();
        }
    }

    @Test
    void shouldSendChildrenAtOnceWithoutAGroupWait() {
        try (Gate g = new Gate(Map.of(AlertGateSettings.GROUP_WAIT, "0s"))) {
            g.burn(SEARCH_BUDGET, T0, PAGE);

            assertThat(g.alerts.readValuesToList()).extracting(Alert::getDedupKey).containsExactly(SEARCH_BUDGET_KEY);
        }
    }

    @Test
    void shouldDeadLetterInvalidSilencesAndApplyTheValidOnes() {
        try (Gate g = new Gate(Map.of())) {
            TestOutputTopic<byte[], DeadLetter> dlq = g.fixture.output(g.fixture.topics().dlq);
            g.silences.pipeInput("broken", "{not json".getBytes(StandardCharsets.UTF_8), T0);
            g.silences.pipeInput("no-end", json("service", "checkout", "2026-11-23T09:00:00Z", null), T0);
            g.silences.pipeInput("backwards", json("team", "payments", "2026-11-23T12:00:00Z",
                    "2026-11-23T11:00:00Z"), T0);
            g.silences.pipeInput("wrong-type", json("region", "eu", "2026-11-23T09:00:00Z",
                    "2026-11-23T11:00:00Z"), T0);
            g.silences.pipeInput(null, json("all", null, "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z"), T0);
            g.silences.pipeInput("not-text", ("{\"scopeType\":\"all\",\"startsAt\":\"2026-11-23T09:00:00Z\","
                    + "\"endsAt\":\"2026-11-23T11:00:00Z\",\"reason\":12,\"createdBy\":\"ana\"}")
                    .getBytes(StandardCharsets.UTF_8), T0);
            g.silences.pipeInput("s".repeat(3000), json("all", null, "2026-11-23T09:00:00Z",
                    "2026-11-23T11:00:00Z"), T0);
            g.silences.pipeInput("forever", json("all", null, "2026-11-23T09:00:00Z", "9999-12-31T23:59:59Z"), T0);
            g.silence("ok", "budget", PAYMENTS, T0.minusSeconds(60), T0.plusSeconds(3600));
            g.burn(PAYMENTS, T0, PAGE);

            List<DeadLetter> letters = dlq.readValuesToList();
            assertThat(letters).extracting(DeadLetter::getReason).containsExactly("invalid-json", "missing-field",
                    "invalid-field", "invalid-field", "missing-key", "invalid-field", "field-too-long",
                    "timestamp-out-of-range");
            assertThat(letters).extracting(DeadLetter::getSourceTopic).containsOnly("spend.silences");
            assertThat(letters.get(1).getMessage()).contains("no-end").contains("endsAt");
            assertThat(letters.get(3).getMessage()).contains("region");
            assertThat(letters.get(5).getMessage()).contains("reason must be a JSON string, was a JSON number");
            assertThat(letters.get(7).getMessage()).contains("endsAt 9999-12-31T23:59:59Z is outside");
            assertThat(g.fixture.count("spendstream.records.dead.lettered", "stage", "anomaly")).isEqualTo(8);
            assertThat(g.alerts.isEmpty()).as("the valid silence applies").isTrue();
        }
    }

    @Test
    void shouldDropAResolveForAKeyThatNeverFired() {
        try (Gate g = new Gate(Map.of())) {
            g.burn(PAYMENTS, T0, PAGE);
            g.alerts.readValuesToList();
            // What the gate owns is lost (e.g. its store reset): the detector's RESOLVED has nothing to close.
            g.fixture.driver().getKeyValueStore(AlertGateTopology.GATE_STORE).delete(PAYMENTS_KEY);
            g.burn(PAYMENTS, T0.plusSeconds(60), QUIET);
            g.fixture.driver().advanceWallClockTime(COOLDOWN);

            assertThat(g.alerts.isEmpty()).isTrue();
            assertThat(g.suppressed("not-open")).isEqualTo(1);
        }
    }

    // --- inputs -------------------------------------------------------------------------------------------------

    public static final Map<String, Double> PAGE = Map.of("5m", 15.0, "30m", 15.0, "1h", 15.0, "6h", 2.0, "3d", 2.0);
    private static final Map<String, Double> TICKET = Map.of("5m", 1.5, "30m", 1.5, "1h", 1.5, "6h", 1.5, "3d", 1.5);
    private static final Map<String, Double> QUIET = Map.of("5m", 0.5, "30m", 0.5, "1h", 0.5, "6h", 0.5, "3d", 0.5);

    private static byte[] json(String scopeType, String scope, String startsAt, String endsAt) {
        StringBuilder s = new StringBuilder("{\"scopeType\":\"").append(scopeType).append('"');
        if (scope != null) {
            s.append(",\"scope\":\"").append(scope).append('"');
        }
        s.append(",\"startsAt\":\"").append(startsAt).append('"');
        if (endsAt != null) {
            s.append(",\"endsAt\":\"").append(endsAt).append('"');
        }
        s.append(",\"reason\":\"maintenance\",\"createdBy\":\"ana\"}");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The app with its inputs and outputs; burn-rate anomalies resolve on the first quiet evaluation. */
    public static final class Gate implements AutoCloseable {
        public final TopologyFixture fixture;
        public final TestInputTopic<String, BurnRate> burnRate;
        public final TestInputTopic<String, byte[]> silences;
        public final TestInputTopic<String, byte[]> tags;
        public final TestOutputTopic<String, Anomaly> anomalies;
        public final TestOutputTopic<String, Alert> alerts;

        public Gate(Map<String, String> overrides) {
            Map<String, String> settings = new HashMap<>(Map.of(BurnRateSettings.RESOLVE_AFTER, "0s"));
            settings.putAll(overrides);
            fixture = TopologyFixture.of(new AnomalyApp(), settings);
            burnRate = fixture.input(fixture.topics().burnRate);
            silences = fixture.input(fixture.topics().silences);
            tags = fixture.input(fixture.topics().tags);
            anomalies = fixture.output(fixture.topics().anomalies);
            alerts = fixture.output(fixture.topics().alerts);
        }

        public void silence(String id, String scopeType, String scope, Instant startsAt, Instant endsAt) {
            silences.pipeInput(id, json(scopeType, scope, startsAt.toString(), endsAt.toString()), T0);
        }

        public void tag(String resource, String json) {
            tags.pipeInput(resource, json.getBytes(StandardCharsets.UTF_8), T0);
        }

        /** One evaluation of a 30,000 USD November budget at these burn rates. */
        public void burn(String scope, Instant evaluatedAt, Map<String, Double> rates) {
            List<BurnWindow> windows = new ArrayList<>();
            for (Map.Entry<String, Double> rate : rates.entrySet()) {
                windows.add(BurnWindow.newBuilder().setWindow(rate.getKey()).setBurnRate(rate.getValue())
                        .setSpend(Money.of(BigDecimal.valueOf(rate.getValue() * 100))).build());
            }
            burnRate.pipeInput(scope, BurnRate.newBuilder()
                    .setScope(scope)
                    .setCurrency("USD")
                    .setBudgetAmount(Money.of("30000"))
                    .setPeriod("MONTH")
                    .setPeriodStart(Instant.parse("2026-11-01T00:00:00Z"))
                    .setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z"))
                    .setEvaluatedAt(evaluatedAt)
                    .setConsumed(Money.of("15600"))
                    .setProjectedPeriodSpend(Money.of("21000"))
                    .setWindows(windows)
                    .build(), evaluatedAt);
        }

        /** The gate store's entries, as its changelog would hold them. */
        List<KeyValue<String, AlertGateStateRecord>> gateStore() {
            List<KeyValue<String, AlertGateStateRecord>> entries = new ArrayList<>();
            try (KeyValueIterator<String, AlertGateStateRecord> it = fixture.driver()
                    .<String, AlertGateStateRecord>getKeyValueStore(AlertGateTopology.GATE_STORE).all()) {
                it.forEachRemaining(entries::add);
            }
            return entries;
        }

        void restore(List<KeyValue<String, AlertGateStateRecord>> entries) {
            KeyValueStore<String, AlertGateStateRecord> store = fixture.driver().getKeyValueStore(AlertGateTopology.GATE_STORE);
            entries.forEach(kv -> store.put(kv.key, kv.value));
        }

        double suppressed(String reason) {
            return fixture.count(AlertGateTopology.SUPPRESSED, "reason", reason);
        }

        @Override
        public void close() {
            fixture.close();
        }
    }
}
