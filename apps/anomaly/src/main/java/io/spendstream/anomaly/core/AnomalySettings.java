package io.spendstream.anomaly.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

import io.spendstream.anomaly.detector.CostDetector;
import io.spendstream.anomaly.detector.CostSpikeLifecycle;
import io.spendstream.anomaly.detector.DetectorSettings;
import io.spendstream.anomaly.detector.LeakSettings;
import io.spendstream.anomaly.detector.LifecycleSettings;
import io.spendstream.anomaly.detector.NewSpendSettings;
import io.spendstream.anomaly.detector.SettleHorizon;
import io.spendstream.anomaly.detector.ShapeSettings;
import io.spendstream.avro.Severity;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The anomaly app's {@code spendstream.anomaly.*} settings, read once from the app's configuration into the
 * detector's and the lifecycle's settings. Defaults are those of {@link DetectorSettings#defaults()} and
 * {@link LifecycleSettings#defaults()}; the javadoc there says why.
 */
public record AnomalySettings(DetectorSettings detector, LifecycleSettings lifecycle, NewSpendSettings newSpend,
        LeakSettings leak, Duration settleMax, Duration catchUpQuiet) {

    public static final String PREFIX = "spendstream.anomaly.";
    /** Score at or above which an update opens an anomaly. */
    public static final String THRESHOLD = PREFIX + "threshold";
    /** Score below which a finished window counts towards resolving (hysteresis). */
    public static final String RESOLVE_THRESHOLD = PREFIX + "resolve-threshold";
    public static final String RESOLVE_AFTER_WINDOWS = PREFIX + "resolve-after-windows";
    /** Excess cost per hour (reporting currency) from which an anomaly pages rather than tickets. */
    public static final String PAGE_PER_HOUR = PREFIX + "page-per-hour";
    public static final String MIN_EXCESS_PER_HOUR = PREFIX + "min-excess-per-hour";
    public static final String WARMUP_WINDOWS = PREFIX + "warmup-windows";
    public static final String ALPHA = PREFIX + "alpha";
    public static final String RELATIVE_FLOOR = PREFIX + "relative-floor";
    public static final String ABSOLUTE_FLOOR = PREFIX + "absolute-floor";
    public static final String CLIP_SIGMAS = PREFIX + "clip-sigmas";
    /** EWMA weight of the unclipped long-run spread that floors the scale. */
    public static final String SPREAD_ALPHA = PREFIX + "spread-alpha";
    /** Robust sigmas (after the daily profile) a window must also be out to be anomalous. */
    public static final String MIN_SIGMAS = PREFIX + "min-sigmas";
    /** Windows of history the rarity of a deviation is judged against. */
    public static final String TAIL_MEMORY = PREFIX + "tail-memory";
    /** Slots per day of the daily profile (0 = off). */
    public static final String SEASONAL_SLOTS = PREFIX + "seasonal-slots";
    /** Weight of the last day in a slot's typical daily peak. */
    public static final String SEASONAL_WEIGHT = PREFIX + "seasonal-weight";
    /** Windows after an onset during which a repeat of it is damped. */
    public static final String ONSET_WINDOWS = PREFIX + "onset-windows";
    /** Score drops too (true, the default: they open COST_DROP tickets), or only rises (false). */
    public static final String TWO_SIDED = PREFIX + "two-sided";
    /** With two-sided, the weight of a z below the baseline (1 = symmetric). */
    public static final String DROP_WEIGHT = PREFIX + "drop-weight";
    /** The rarity calibration's prior in windows ({@code RarityCalibration}), 0 = off. */
    public static final String CALIBRATION_PRIOR = PREFIX + "calibration.prior";
    /** The shape model ({@code ShapeSettings}): contexts kept per series, 0 = off. */
    public static final String SHAPE_CONTEXTS = PREFIX + "shape.contexts";
    public static final String SHAPE_QUANTUM = PREFIX + "shape.quantum";
    public static final String SHAPE_ORDER = PREFIX + "shape.order";
    public static final String SHAPE_FAMILIAR = PREFIX + "shape.familiar";
    public static final String SHAPE_NOVEL = PREFIX + "shape.novel";
    public static final String SHAPE_MEMORY = PREFIX + "shape.memory";
    public static final String SHAPE_REACH = PREFIX + "shape.reach";
    public static final String SHAPE_SHARE = PREFIX + "shape.share";
    /** Complete weeks of every weekday before the day-of-week factors are used (0 turns weekly seasonality off). */
    public static final String WEEKLY_MIN_WEEKS = PREFIX + "weekly-min-weeks";
    /** Weight of the last week in a weekday's factor. */
    public static final String WEEKLY_WEIGHT = PREFIX + "weekly-weight";
    /** Holt's beta of the damped trend (0, the default, turns the trend off). */
    public static final String TREND_ALPHA = PREFIX + "trend-alpha";
    /** Holt's phi: the trend's damping per window. */
    public static final String TREND_DAMPING = PREFIX + "trend-damping";
    /** Severity of a cost drop: TICKET (the default) or PAGE. */
    public static final String DROP_SEVERITY = PREFIX + "drop-severity";
    public static final String PARTIAL_MIN_FRACTION = PREFIX + "partial-min-fraction";
    /**
     * How far behind the newest window of a service a window must be before it is learned (10m, 30s, PT10M...):
     * the event-time skew between upstream partitions while a backlog is caught up, see
     * {@link LifecycleSettings#settle}.
     */
    public static final String SETTLE = PREFIX + "settle";
    /** How far the settle horizon may open for a series whose updates lag (see {@link SettleHorizon}). */
    public static final String SETTLE_MAX = PREFIX + "settle-max";
    /**
     * Wall-clock quiet after a series' last update that lagged more than {@code settle} behind it before the series'
     * catch-up hold ends (0 = no hold), see {@link CostSpikeLifecycle#onUpdate(io.spendstream.anomaly.detector.DetectorState,
     * io.spendstream.anomaly.detector.WindowUpdate, io.spendstream.anomaly.detector.EstateWarmup, long)}.
     */
    public static final String CATCH_UP_QUIET = PREFIX + "catch-up-quiet";
    /** New spend (a series without a baseline): TICKET from this rate per hour, see {@link NewSpendSettings}. */
    public static final String NEW_SPEND_TICKET_PER_HOUR = PREFIX + "new-spend.ticket-per-hour";
    /** New spend: PAGE from this rate per hour. */
    public static final String NEW_SPEND_PAGE_PER_HOUR = PREFIX + "new-spend.page-per-hour";
    /** Event time a task watches its estate before a series without a baseline is new spend (0 = rule off). */
    public static final String NEW_SPEND_ESTATE_WARMUP = PREFIX + "new-spend.estate-warmup";
    /** Slow leaks, see {@link LeakSettings}: hours in a row the ratio to yesterday rises (0 = rule off). */
    public static final String LEAK_RISING_HOURS = PREFIX + "leak.rising-hours";
    public static final String LEAK_MIN_STEP = PREFIX + "leak.min-step";
    public static final String LEAK_MIN_RATIO = PREFIX + "leak.min-ratio";
    public static final String LEAK_RESOLVE_RATIO = PREFIX + "leak.resolve-ratio";

    /** The detector's and the lifecycle's settings with the defaults of the rest. */
    public AnomalySettings(DetectorSettings detector, LifecycleSettings lifecycle) {
        this(detector, lifecycle, NewSpendSettings.defaults(), LeakSettings.defaults(),
                CostSpikeLifecycle.DEFAULT_SETTLE_MAX.compareTo(lifecycle.settle()) >= 0
                        ? CostSpikeLifecycle.DEFAULT_SETTLE_MAX : lifecycle.settle(),
                CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET);
    }

    public static AnomalySettings defaults() {
        return new AnomalySettings(DetectorSettings.defaults(), LifecycleSettings.defaults());
    }

    /** The lifecycle these settings make, over {@code detector}. */
    public CostSpikeLifecycle newLifecycle() {
        return new CostSpikeLifecycle(new CostDetector(detector), lifecycle, newSpend, leak, settleMax,
                catchUpQuiet);
    }

    public static AnomalySettings from(SpendstreamConfig config) {
        DetectorSettings d = DetectorSettings.defaults();
        LifecycleSettings l = LifecycleSettings.defaults();
        DetectorSettings detector = new DetectorSettings(
                config.getDouble(ALPHA, d.alpha()),
                config.getInt(WARMUP_WINDOWS, d.warmupWindows()),
                config.getDouble(RELATIVE_FLOOR, d.relativeFloor()),
                config.getDouble(ABSOLUTE_FLOOR, d.absoluteFloor()),
                config.getDouble(THRESHOLD, d.anomalousScore()),
                config.getDouble(MIN_SIGMAS, d.minSigmas()),
                config.getDouble(CLIP_SIGMAS, d.clipSigmas()),
                config.getDouble(SPREAD_ALPHA, d.spreadAlpha()),
                config.getInt(TAIL_MEMORY, d.tailMemory()),
                config.getInt(SEASONAL_SLOTS, d.seasonalSlots()),
                config.getDouble(SEASONAL_WEIGHT, d.seasonalWeight()),
                config.getInt(ONSET_WINDOWS, d.onsetWindows()),
                config.getBoolean(TWO_SIDED, d.twoSided()),
                config.getInt(WEEKLY_MIN_WEEKS, d.weeklyMinWeeks()),
                config.getDouble(WEEKLY_WEIGHT, d.weeklyWeight()),
                config.getDouble(TREND_ALPHA, d.trendAlpha()),
                config.getDouble(TREND_DAMPING, d.trendDamping()),
                config.getDouble(DROP_WEIGHT, d.dropWeight()),
                config.getDouble(CALIBRATION_PRIOR, d.calibrationPrior()),
                new ShapeSettings(
                        config.getInt(SHAPE_CONTEXTS, d.shape().capacity()),
                        config.getDouble(SHAPE_QUANTUM, d.shape().quantum()),
                        config.getInt(SHAPE_ORDER, d.shape().order()),
                        config.getDouble(SHAPE_FAMILIAR, d.shape().familiar()),
                        config.getDouble(SHAPE_NOVEL, d.shape().novel()),
                        config.getInt(SHAPE_MEMORY, d.shape().memory()),
                        config.getInt(SHAPE_REACH, d.shape().reach()),
                        config.getDouble(SHAPE_SHARE, d.shape().share())));
        LifecycleSettings lifecycle = new LifecycleSettings(
                config.getDouble(RESOLVE_THRESHOLD, l.resolveScore()),
                config.getInt(RESOLVE_AFTER_WINDOWS, l.resolveAfterWindows()),
                config.getDecimal(PAGE_PER_HOUR, l.pagePerHour()),
                config.getDecimal(MIN_EXCESS_PER_HOUR, l.minExcessPerHour()),
                config.getDouble(PARTIAL_MIN_FRACTION, l.partialMinFraction()),
                config.getDuration(SETTLE, l.settle()),
                severity(config, DROP_SEVERITY, l.dropSeverity()));
        if (lifecycle.resolveScore() >= detector.anomalousScore()) {
            throw new IllegalArgumentException(RESOLVE_THRESHOLD + " (" + lifecycle.resolveScore()
                    + ") must be below " + THRESHOLD + " (" + detector.anomalousScore() + ")");
        }
        NewSpendSettings n = NewSpendSettings.defaults();
        NewSpendSettings newSpend = new NewSpendSettings(
                config.getDecimal(NEW_SPEND_TICKET_PER_HOUR, n.ticketPerHour()),
                config.getDecimal(NEW_SPEND_PAGE_PER_HOUR, n.pagePerHour()),
                config.getDuration(NEW_SPEND_ESTATE_WARMUP, n.estateWarmup()));
        LeakSettings k = LeakSettings.defaults();
        LeakSettings leak = new LeakSettings(
                config.getInt(LEAK_RISING_HOURS, k.risingHours()),
                config.getDouble(LEAK_MIN_STEP, k.minStep()),
                config.getDouble(LEAK_MIN_RATIO, k.minRatio()),
                config.getDouble(LEAK_RESOLVE_RATIO, k.resolveRatio()));
        Duration settleMax = config.getDuration(SETTLE_MAX, new AnomalySettings(detector, lifecycle).settleMax());
        if (settleMax.compareTo(lifecycle.settle()) < 0) {
            throw new IllegalArgumentException(SETTLE_MAX + " (" + settleMax + ") must not be below " + SETTLE + " ("
                    + lifecycle.settle() + ")");
        }
        Duration catchUpQuiet = config.getDuration(CATCH_UP_QUIET, CostSpikeLifecycle.DEFAULT_CATCH_UP_QUIET);
        if (catchUpQuiet.isNegative()) {
            throw new IllegalArgumentException(CATCH_UP_QUIET + " (" + catchUpQuiet + ") must not be negative");
        }
        return new AnomalySettings(detector, lifecycle, newSpend, leak, settleMax, catchUpQuiet);
    }

    /** A severity setting ({@code PAGE}, {@code TICKET}, {@code INFO}, any case), with a clear error otherwise. */
    public static Severity severity(SpendstreamConfig config, String key, Severity defaultValue) {
        return config.find(key).map(v -> {
            try {
                return Severity.valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Setting " + key + "=" + v + " is not a severity (PAGE, TICKET, INFO)", e);
            }
        }).orElse(defaultValue);
    }

}
