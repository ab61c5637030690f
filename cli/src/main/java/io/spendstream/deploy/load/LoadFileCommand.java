package io.spendstream.deploy.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.ConnectionOptions;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.schemas.TopicNames;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What every {@code spendstream load <kind> FILE} shares: the file, {@code --dry-run}, progress and timeout options,
 * the connection options of every command, and the run itself. The summary goes to stdout, progress and errors to
 * stderr. A usage file is first checked against the billing horizon ({@link BillingHorizonCheck}): rows the pipeline
 * would dead-letter as too old are said before sending, not sent, and count as rejected. Exit code: 0 every row
 * sent, 1 some rows rejected but some sent, 2 nothing sent or the load could not start (file unreadable, Kafka
 * unreachable, topic missing), with one clear line and no stack trace.
 */
abstract class LoadFileCommand implements Callable<Integer> {

    /** Longest a Ctrl-C waits for outstanding acknowledgements and the summary. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV with a header row, or JSON lines (.jsonl, "
            + ".ndjson, .json: one object per line).")
    Path file;

    @Option(names = "--dry-run", description = "Read and check every row, send nothing.")
    boolean dryRun;

    @Option(names = "--progress-every", paramLabel = "N", defaultValue = "10000", description = "When stderr is "
            + "not a terminal, print a progress line every N rows (default: ${DEFAULT-VALUE}; 0 = never).")
    long progressEvery;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", description = "How long to wait "
            + "for Kafka to answer before giving up (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    abstract LoadKind kind();

    /** Fills a missing currency; null when the kind has no such option or it is not given. */
    String defaultCurrency() {
        return null;
    }

    /** Whether rows are checked with the pipeline's own parser before sending. */
    boolean validate() {
        return false;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch printed = new CountDownLatch(1);
        try {
            String currency = defaultCurrency();
            if (currency != null && !ReferenceField.isCurrencyCode(currency)) {
                throw new LoadException("--currency " + currency + " is not a three-letter ISO 4217 code");
            }
            SpendstreamConfig config = connection.resolve(Map.of());
            String topic = TopicNames.from(config.asMap()).name(kind().logicalTopic());
            RowShaper shaper = kind().shaper(currency, validate(), Clock.systemUTC());
            if (kind() == LoadKind.USAGE) {
                BillingHorizonCheck horizon = BillingHorizonCheck.of(file, BillingHorizon.from(config),
                        position(config, err));
                err.println(horizon.describe());
                err.flush();
                shaper = new HorizonFilter(shaper, horizon);
            }
            RowSource source = RowSource.open(file);
            RecordSink sink;
            try {
                sink = dryRun ? RecordSink.DRY_RUN : KafkaRecordSink.open(config, topic, Durations.parse(timeout));
            } catch (RuntimeException e) {
                closeQuietly(source);
                throw e;
            }
            Progress progress = new Progress(err, Progress.stderrIsTerminal(), progressEvery, size(file));
            LoadSummary summary = loadUntilDoneOrInterrupted(source, shaper, sink, progress, printed);
            String what = dryRun
                    ? "Checked " + file + " for " + topic + " (dry run: nothing sent)"
                    : "Loaded " + file + " into " + topic;
            summary.print(out, what, kind() == LoadKind.USAGE, dryRun ? "valid" : "sent");
            return summary.exitCode();
        } catch (LoadException e) {
            err.println("spendstream load " + kind().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
            err.flush();
            return 2;
        } finally {
            printed.countDown();
        }
    }

    /**
     * The pipeline's position in event time ({@link PipelinePosition}); a dry run that cannot reach Kafka goes on
     * without it, saying so.
     */
    private Instant position(SpendstreamConfig config, PrintWriter err) {
        try {
            return PipelinePosition.read(config, Durations.parse(timeout)).orElse(null);
        } catch (LoadException e) {
            if (!dryRun) {
                throw e;
            }
            err.println("Dry run: " + e.getMessage() + "; checking the billing horizon against the file alone.");
            return null;
        }
    }

    /**
     * Ctrl-C stops reading but still waits (up to {@link #SHUTDOWN_WAIT}) for the rows already handed to Kafka to be
     * acknowledged and for the summary to be printed, so that the user knows exactly what was sent.
     */
    private static LoadSummary loadUntilDoneOrInterrupted(RowSource source, RowShaper shaper, RecordSink sink,
            Progress progress, CountDownLatch finished) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "spendstream-load-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return FileLoader.load(source, shaper, sink, progress, stop::get);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waits for the summary below.
            }
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void closeQuietly(RowSource source) {
        try {
            source.close();
        } catch (IOException ignored) {
            // The load is failing with a better message.
        }
    }
}
