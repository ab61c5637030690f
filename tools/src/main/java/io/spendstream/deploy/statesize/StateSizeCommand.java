package io.spendstream.deploy.statesize;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.spendstream.attribution.AttributionApp;
import io.spendstream.attribution.AttributionSettings;
import io.spendstream.attribution.BurnRateSettings;
import io.spendstream.attribution.ScopeSpend;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spendstream state-size}: how much state the billing horizon costs. Drives ingest, enrich and attribution
 * ({@link PipelineDrivers}: the production topologies on RocksDB) with a synthetic estate ({@link StateSizeEstate})
 * hour by hour, measures every store ({@link StoreSizes}) at three durations for a small estate and two for a large
 * one (a run per point: the stores must be closed to be measured), and prints per store the growth per scope per hour and per day, two linearity checks, and the linear
 * extrapolation to 100,000 scopes over one month (730 h) and over the billing horizon, each store capped at its
 * retention ({@link StateSizeFigures}).
 */
@Command(name = "state-size", mixinStandardHelpOptions = true, description = "Measure the state the billing horizon "
        + "keeps (ingest, enrich, attribution on RocksDB) per scope per hour, and extrapolate it to 100,000 scopes "
        + "over a month and over the horizon.")
public final class StateSizeCommand implements Callable<Integer> {

    static final int TARGET_SCOPES = 100_000;
    static final double MONTH_HOURS = 730;

    @Option(names = "--scopes", split = ",", defaultValue = "20,50", description = "Scopes (services) of the "
            + "small and the large estate (default: ${DEFAULT-VALUE}).")
    List<Integer> scopes;

    @Option(names = "--hours", split = ",", defaultValue = "8,10,12", description = "Hours of data at which the "
            + "stores are measured, one run per point: the small estate at all three, the large one at the first "
            + "two; the first must exceed the bill lag (6 h), so that every point has bills superseding estimates "
            + "(default: ${DEFAULT-VALUE}).")
    List<Integer> hours;

    @Option(names = "--resources-per-scope", defaultValue = "4", description = "Resources of each service, each on "
            + "its own SKU (default: ${DEFAULT-VALUE}).")
    int resourcesPerScope;

    @Option(names = "--data-dir", defaultValue = ".spendstream/state-size", description = "State directories of the "
            + "runs, emptied first (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting for every app, e.g. "
            + "--set spendstream.billing.horizon=35d or --set spendstream.attribution.windows=1m,1h,1d.")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() {
        if (scopes.size() != 2 || hours.size() != 3 || hours.get(0) <= StateSizeEstate.BILL_LAG.toHours()
                || hours.get(1) - hours.get(0) != hours.get(2) - hours.get(1) || hours.get(1) <= hours.get(0)) {
            throw new IllegalArgumentException("--scopes takes two counts and --hours three equally spaced durations,"
                    + " the first at least " + StateSizeEstate.BILL_LAG.toHours());
        }
        PrintStream out = System.out;
        long started = System.nanoTime();
        StoreSizes.deleteRecursively(dataDir);
        List<StateSizeFigures.Point> small = new ArrayList<>();
        for (int h : hours) {
            small.add(run(scopes.get(0), h, out));
        }
        List<StateSizeFigures.Point> large = List.of(run(scopes.get(1), hours.get(0), out),
                run(scopes.get(1), hours.get(1), out));
        List<StateSizeFigures.StoreFigures> figures = StateSizeFigures.figures(small.get(0), small.get(1),
                small.get(2), large.get(0), large.get(1), retentions(new SpendstreamConfig(settings)));
        SpendstreamConfig config = new SpendstreamConfig(settings);
        Duration horizon = AttributionSettings.from(config).horizon().span();
        print(figures, horizon, out);
        out.printf(Locale.ROOT, "%nRun: %d s, %s, Java %s, %d CPUs; settings %s%n",
                (System.nanoTime() - started) / 1_000_000_000L, Instant.now(), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), settings.isEmpty() ? "default" : settings);
        return 0;
    }

    /** One point: a fresh pipeline, {@code hours} hours of the estate, its stores closed and measured. */
    private StateSizeFigures.Point run(int scopeCount, int hours, PrintStream out) {
        Path stateDir = dataDir.resolve(scopeCount + "-scopes-" + hours + "h");
        StateSizeEstate estate = new StateSizeEstate(scopeCount, resourcesPerScope);
        long runStart = System.nanoTime();
        try (PipelineDrivers drivers = new PipelineDrivers(stateDir, settings)) {
            drivers.pipe(estate.reference());
            for (int h = 0; h < hours; h++) {
                drivers.pipe(estate.hourOf(h));
            }
            if (drivers.deadLetters() > 0) {
                throw new IllegalStateException(drivers.deadLetters() + " records were dead-lettered: the estate "
                        + "does not mean what it says");
            }
            long measuring = System.nanoTime();
            drivers.closeStores();
            Map<String, StoreSizes.Size> sizes = StoreSizes.measure(stateDir);
            out.printf(Locale.ROOT, "%,d scopes, %d h of data: piped in %d s, measured in %d s%n", scopeCount, hours,
                    (measuring - runStart) / 1_000_000_000L, (System.nanoTime() - measuring) / 1_000_000_000L);
            return new StateSizeFigures.Point(scopeCount, hours, sizes);
        } finally {
            StoreSizes.deleteRecursively(stateDir);
        }
    }

    /** Each store's retention under {@code config}: what bounds its growth (null: kept for ever). */
    static Function<String, Duration> retentions(SpendstreamConfig config) {
        AttributionSettings attribution = AttributionSettings.from(config);
        BurnRateSettings burnRate = BurnRateSettings.from(config, attribution);
        Duration ledger = attribution.horizon().span().plus(attribution.grace()).plus(attribution.maxSpread());
        Map<String, Duration> special = new HashMap<>();
        for (Duration size : attribution.windows()) {
            special.put(AttributionApp.NAME + "/unit-cost-" + Durations.format(size),
                    size.plus(attribution.storeGrace(size)));
        }
        special.put(AttributionApp.NAME + "/" + ScopeSpend.BUCKETS_STORE, burnRate.bucketRetention());
        return store -> store.equals(AttributionApp.NAME + "/" + ScopeSpend.DAYS_STORE) ? null
                : special.getOrDefault(store, ledger);
    }

    private static void print(List<StateSizeFigures.StoreFigures> figures, Duration horizon, PrintStream out) {
        double horizonHours = horizon.toHours();
        String horizonText = Durations.format(horizon);
        out.printf(Locale.ROOT, "%nPer store: growth per scope (service) per hour and per day (exact key + value bytes"
                + " of the live entries), the part per scope that does not grow, linearity (1.00 = linear), and%n"
                + "%,d scopes after 730 h (a month) and after %s (the horizon), each store holding at most its"
                + " retention (\"kept\"). SST: RocksDB's live SST files after a full%n"
                + "compaction, uncompressed (the part that does not grow at its key + value bytes).%n%n",
                TARGET_SCOPES, horizonText);
        out.println("| store | kept | entries /scope/h | bytes /scope/h | bytes /scope/day | fixed bytes /scope "
                + "| check: hours | check: scopes | 100k x 730 h: entries | bytes | SST | 100k x " + horizonText
                + ": entries | bytes | SST |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        double[] month = new double[3];
        double[] full = new double[3];
        double perHour = 0;
        double perScope = 0;
        for (StateSizeFigures.StoreFigures f : figures) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    f.store(), f.retention() == null ? "for ever" : Durations.format(f.retention()),
                    StateSizeFigures.count(f.entriesPerScopeHour()), StateSizeFigures.bytes(f.bytesPerScopeHour()),
                    StateSizeFigures.bytes(24 * f.bytesPerScopeHour()),
                    StateSizeFigures.bytes(f.fixedBytesPerScope()),
                    StateSizeFigures.check(f.durationCheck()), StateSizeFigures.check(f.scopeCheck()),
                    StateSizeFigures.count(f.entries(TARGET_SCOPES, MONTH_HOURS)),
                    StateSizeFigures.bytes(f.bytes(TARGET_SCOPES, MONTH_HOURS)),
                    StateSizeFigures.bytes(f.sstBytes(TARGET_SCOPES, MONTH_HOURS)),
                    StateSizeFigures.count(f.entries(TARGET_SCOPES, horizonHours)),
                    StateSizeFigures.bytes(f.bytes(TARGET_SCOPES, horizonHours)),
                    StateSizeFigures.bytes(f.sstBytes(TARGET_SCOPES, horizonHours)));
            month[0] += f.entries(TARGET_SCOPES, MONTH_HOURS);
            month[1] += f.bytes(TARGET_SCOPES, MONTH_HOURS);
            month[2] += f.sstBytes(TARGET_SCOPES, MONTH_HOURS);
            full[0] += f.entries(TARGET_SCOPES, horizonHours);
            full[1] += f.bytes(TARGET_SCOPES, horizonHours);
            full[2] += f.sstBytes(TARGET_SCOPES, horizonHours);
            perHour += f.bytesPerScopeHour();
            perScope += f.fixedBytesPerScope();
        }
        out.printf(Locale.ROOT, "| **total** | | | %s | %s | %s | | | %s | %s | %s | %s | %s | %s |%n",
                StateSizeFigures.bytes(perHour), StateSizeFigures.bytes(24 * perHour),
                StateSizeFigures.bytes(perScope), StateSizeFigures.count(month[0]), StateSizeFigures.bytes(month[1]),
                StateSizeFigures.bytes(month[2]), StateSizeFigures.count(full[0]), StateSizeFigures.bytes(full[1]),
                StateSizeFigures.bytes(full[2]));
    }
}
