package io.spendstream.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Issue 15, the small CI version of {@code spendstream chaos} ({@link Chaos}): ingest, enrich and attribution as two
 * separate JVMs each on 4 partitions (static membership, one standby), 3,000 FOCUS rows sent while four random
 * instances are SIGKILLed and restarted: the second and fourth with one of their RocksDB stores made unopenable on
 * disk before the restart (its MANIFEST deleted, as a kill during Kafka Streams' own wipe leaves it), the third kept
 * down past its session timeout (8 s), so that its partitions move to the other instance of its app. Every money
 * output, read read_committed, equals the input exactly; every kill recovers by itself (the unopenable stores healed
 * at start-up), no instance exits by itself, nothing is dead-lettered.
 */
@Isolated("kills app processes: its restart timing must not compete with another test's broker")
class ChaosCrashTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepEveryMoneyOutputExactAndRecoverEveryInstanceWhenInstancesAreKilled() throws Exception {
        Chaos.Settings settings = new Chaos.Settings(3_000, List.of("ingest", "enrich", "attribution"), 2, 4, 4,
                Duration.ofSeconds(6), null, false, 2, 3, Duration.ofSeconds(8), 1, Duration.ofMinutes(3),
                Duration.ofMinutes(2), 15, dataDir.resolve("chaos"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Chaos.Report report;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            report = new Chaos(settings, out).run();
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(report.outputs()).as(output).hasSize(7).allSatisfy(figure ->
                assertThat(figure.total()).as(figure.output()).isEqualByComparingTo(report.inputTotal()));
        assertThat(report.allEqual()).as("every output equal, spend.cost and spend.cost.attributed one record per row")
                .isTrue();
        assertThat(report.deadLetters()).isZero();
        assertThat(report.kills()).hasSize(4).allSatisfy(kill ->
                assertThat(kill.recovered()).as("recovery of %s", kill.instance()).isNotNull());
        assertThat(report.kills().get(2).failover()).isTrue();
        assertThat(report.kills().get(2).movedToOthers()).as("the partitions of the instance kept down, on the other")
                .isTrue();
        assertThat(report.storesHealed()).as("stores made unopenable, healed at start-up").isEqualTo(2);
        assertThat(report.unplannedExits().values()).as("exits by themselves").allMatch(n -> n == 0);
        assertThat(report.manualSteps()).isZero();
        assertThat(report.passed()).isTrue();
        assertThat(output).contains("Recovery per kill").contains("median");
    }
}
