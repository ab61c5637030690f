package io.spendstream.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.scopes.ScopeSettings;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.AnomalyType;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.UnitCost;
import io.spendstream.runtime.testing.TopologyFixture;

/**
 * Live traffic on several partitions: a service with one resource whose three cost rows a minute are spread over
 * partitions, so now and then the next window's first row arrives before the rest of this one while everything else
 * looks in order. The window it overtook is a third full when the series moves past it; only its settling says it is
 * complete. Before, the in-order drop path judged it at once and opened a false {@code COST_DROP} for the service,
 * its team and its resource (seen on the demo feed with four partitions).
 */
class OvertakenWindowTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String SERVICE = "platform-network";
    private static final String TEAM = "network";
    private static final String RESOURCE = "nat-gw-01";
    private static final int ROWS = 3;
    /** Minutes whose next window's first row overtakes their second and third: 10 minutes apart and more. */
    private static final List<Integer> OVERTAKEN = List.of(60, 72, 85, 97);
    /** The real drop: from this minute the service spends a third of its usual. */
    private static final int DROP_AT = 110;
    private static final int MINUTES = 140;

    @Test
    void shouldOpenNoDropWhenTheNextWindowsFirstRowArrivesBeforeTheRestOfThisOneAndStillCatchARealDrop() {
        List<Anomaly> anomalies = new ArrayList<>();
        // The minute of the row on which each scope's OPEN came out.
        Map<String, Integer> openedOnMinute = new HashMap<>();
        try (TopologyFixture fixture = TopologyFixture.of(new AnomalyApp(),
                Map.of(ScopeSettings.SCOPES, "service,team,resource"))) {
            TestInputTopic<String, UnitCost> input = fixture.input(fixture.topics().unitCost);
            TestOutputTopic<String, Anomaly> output = fixture.output(fixture.topics().anomalies);
            for (Row row : arrivals()) {
                UnitCost update = UnitCostFeed.unitCost(SERVICE, minute(row.minute()), row.costSoFar());
                update.setTeam(TEAM);
                update.setCoveredUntil(minute(row.minute() + 1));
                update.setChildren(List.of(ChildCost.newBuilder().setKind("resource").setName(RESOURCE)
                        .setCost(row.costSoFar()).build()));
                input.pipeInput(SERVICE, update, minute(row.minute()).plusSeconds(20L * row.index()));
                for (Anomaly anomaly : output.readValuesToList()) {
                    anomalies.add(anomaly);
                    if (anomaly.getState() == AnomalyState.OPEN) {
                        openedOnMinute.put(anomaly.getScopeType(), row.minute());
                    }
                }
            }
        }

        List<Anomaly> opened = anomalies.stream().filter(a -> a.getState() == AnomalyState.OPEN).toList();
        // Nothing before the real drop: the overtaken windows were judged once settled, complete.
        assertThat(opened).as("opened: %s", opened.stream().map(Anomaly::getAnomalyId).toList())
                .allSatisfy(a -> assertThat(a.getStartedAt()).isEqualTo(minute(DROP_AT)));
        // The real drop is still a drop, in every scope, a settle horizon after its first window ended.
        assertThat(opened).extracting(Anomaly::getType).containsOnly(AnomalyType.COST_DROP);
        assertThat(opened).extracting(Anomaly::getScopeType).containsExactlyInAnyOrder("service", "team", "resource");
        assertThat(openedOnMinute.values()).as("minute of the row each drop opened on: %s", openedOnMinute)
                .allSatisfy(m -> assertThat(m).isBetween(DROP_AT + 11, DROP_AT + 13));
    }

    /** One row of a window as it arrives: its index in the window (0..2) and the window's cost so far with it. */
    private record Row(int minute, int index, BigDecimal costSoFar) {
    }

    /** Every window's rows in order, except that the first row of the window after an overtaken one comes early. */
    private static List<Row> arrivals() {
        Random random = new Random(17);
        List<List<Row>> windows = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            double perRow = 0.5 * (m >= DROP_AT ? 1.0 / 3 : 1.0);
            List<Row> rows = new ArrayList<>();
            BigDecimal soFar = BigDecimal.ZERO;
            for (int k = 0; k < ROWS; k++) {
                soFar = soFar.add(BigDecimal.valueOf(perRow * (1 + 0.03 * random.nextGaussian()))
                        .setScale(6, RoundingMode.HALF_EVEN));
                rows.add(new Row(m, k, soFar));
            }
            windows.add(rows);
        }
        List<Row> arrivals = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            List<Row> rows = windows.get(m);
            if (OVERTAKEN.contains(m - 1)) {
                rows = rows.subList(1, ROWS);
            }
            if (OVERTAKEN.contains(m)) {
                arrivals.add(rows.get(0));
                arrivals.add(windows.get(m + 1).get(0));
                arrivals.addAll(rows.subList(1, rows.size()));
            } else {
                arrivals.addAll(rows);
            }
        }
        return arrivals;
    }

    private static Instant minute(int m) {
        return T0.plusSeconds(60L * m);
    }
}
