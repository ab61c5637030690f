package io.spendstream.deploy.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load loop without Kafka: counting, stopping on Ctrl-C, exit codes, and the summary text. */
class FileLoaderTest {

    private static final String HEADER = "ChargePeriodStart,ChargePeriodEnd,BillingCurrency,EffectiveCost\n";
    private static final String ROW = "2024-09-18 22:00:00,2024-09-18 23:00:00,USD,0.10\n";

    @TempDir
    Path dir;

    @Test
    void shouldStopReadingWhenAskedAndSayHowFarItGot() throws Exception {
        Path file = Files.writeString(dir.resolve("five.csv"), HEADER + ROW.repeat(5));
        AtomicInteger checks = new AtomicInteger();

        LoadSummary summary = FileLoader.load(RowSource.open(file), shaper(), RecordSink.DRY_RUN, quietProgress(),
                () -> checks.incrementAndGet() > 2);

        assertThat(summary.read()).isEqualTo(2);
        assertThat(summary.sent()).isEqualTo(2);
        assertThat(summary.exitCode()).as("a partial load is not a success").isEqualTo(1);
        assertThat(print(summary)).contains("stopped early: interrupted after 2 rows");
    }

    @Test
    void shouldExitWithTwoForAFileWithoutRows() throws Exception {
        Path file = Files.writeString(dir.resolve("empty.csv"), HEADER);

        LoadSummary summary = FileLoader.load(RowSource.open(file), shaper(), RecordSink.DRY_RUN, quietProgress(),
                () -> false);

        assertThat(summary.exitCode()).isEqualTo(2);
        assertThat(print(summary)).contains("The file has no rows.");
    }

    @Test
    void shouldSumEffectiveCostExactlyAndListOnlyTheFirstTwentyRejections() throws Exception {
        Path file = Files.writeString(dir.resolve("mixed.csv"), HEADER + ROW.repeat(3) + "x,y\n".repeat(25));

        LoadSummary summary = FileLoader.load(RowSource.open(file), shaper(), RecordSink.DRY_RUN, quietProgress(),
                () -> false);

        assertThat(summary.effectiveCost()).containsEntry("USD", new java.math.BigDecimal("0.30"));
        assertThat(summary.rejected()).isEqualTo(25);
        assertThat(summary.firstRejections()).hasSize(20).first().extracting(SourceItem.Rejection::line)
                .isEqualTo(5L);
        assertThat(print(summary)).contains("... and 5 more rejected rows").contains("EffectiveCost 0.30 USD");
    }

    private static RowShaper shaper() {
        return LoadKind.USAGE.shaper(null, true, Clock.systemUTC());
    }

    private static Progress quietProgress() {
        return new Progress(new PrintWriter(new StringWriter()), false, 0, -1);
    }

    private static String print(LoadSummary summary) {
        StringWriter out = new StringWriter();
        summary.print(new PrintWriter(out), "test", true, "sent");
        return out.toString();
    }
}
