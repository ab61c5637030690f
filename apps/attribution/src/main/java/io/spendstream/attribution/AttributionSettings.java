package io.spendstream.attribution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.Durations;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The attribution app's own settings, read once when the topology is built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.attribution.windows}</td><td>{@code 1m,1h}</td>
 *     <td>sizes of the tumbling unit-cost windows (aligned to the epoch), comma-separated; one unit-cost
 *     aggregation and store per size. Every size must be a whole multiple of the smallest, so each smallest window
 *     lies in exactly one window of every other size and the sizes reconcile exactly (an hour = its 60 minutes)</td></tr>
 * <tr><td>{@code spendstream.attribution.window}</td><td>(none)</td>
 *     <td>deprecated alias for one size only: {@code window=5m} means {@code windows=5m}; setting both is an
 *     error</td></tr>
 * <tr><td>{@code spendstream.attribution.grace}</td><td>{@code 2d}</td>
 *     <td>how long after a <em>real-time</em> window (a unit-cost size shorter than an hour) ends, in event time,
 *     records for it are still included. A record past it still counts in every window of an hour or more, in
 *     showback and in burn rate (it is not dead-lettered); it is only left out of the minute windows the detectors
 *     read, and counted in {@value LatenessGate#PAST_REAL_TIME_METRIC}. Two days because a pipeline catching up a
 *     backlog sees event-time skew of its whole backlog between upstream partitions</td></tr>
 * <tr><td>{@code spendstream.billing.horizon}</td><td>{@code 65d}</td>
 *     <td>the billing horizon ({@link BillingHorizon}): how far behind the newest cost the task has seen a record may
 *     be and still count in the hourly and longer unit-cost windows, showback (hour, day, month) and burn rate;
 *     older ones go to {@code spend.dlq} with reason {@code outside-billing-horizon}. These <em>ledger</em> windows
 *     keep their state this long</td></tr>
 * <tr><td>{@code spendstream.attribution.max-spread}</td><td>{@code 1d}</td>
 *     <td>longest charge period that is spread over the windows it covers; a longer row (monthly fee, purchase) is
 *     booked whole in the window of its ChargePeriodStart. Also bounds how far ahead of stream time a row can
 *     reach, so the window stores keep {@code grace + max-spread} of windows</td></tr>
 * <tr><td>{@code spendstream.reporting.currency}</td><td>{@code USD}</td>
 *     <td>currency written on every UnitCost (amounts upstream are already in it)</td></tr>
 * </table>
 *
 * @param windows the unit-cost window sizes, smallest first, distinct
 */
public record AttributionSettings(List<Duration> windows, Duration grace, BillingHorizon horizon, Duration maxSpread,
        String currency) {

    public static final String WINDOWS = "spendstream.attribution.windows";
    /** Deprecated single-size alias of {@link #WINDOWS}. */
    public static final String WINDOW = "spendstream.attribution.window";
    public static final String GRACE = "spendstream.attribution.grace";
    public static final String MAX_SPREAD = "spendstream.attribution.max-spread";
    public static final String CURRENCY = "spendstream.reporting.currency";

    public static final List<Duration> DEFAULT_WINDOWS = List.of(Duration.ofMinutes(1), Duration.ofHours(1));
    public static final Duration DEFAULT_GRACE = Duration.ofDays(2);
    public static final Duration DEFAULT_MAX_SPREAD = Duration.ofDays(1);
    public static final String DEFAULT_CURRENCY = "USD";
    /** Unit-cost windows shorter than this are real-time (they close after the grace), the others ledger windows. */
    public static final Duration SHORTEST_LEDGER_WINDOW = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(AttributionSettings.class);

    public AttributionSettings {
        if (windows == null || windows.isEmpty()) {
            throw new IllegalArgumentException(WINDOWS + " must name at least one window size");
        }
        windows = windows.stream().sorted().toList();
        for (Duration window : windows) {
            if (window.toMillis() <= 0) {
                throw new IllegalArgumentException(WINDOWS + " sizes must be at least 1ms, was " + window);
            }
        }
        long smallest = windows.get(0).toMillis();
        for (Duration window : windows) {
            // Nesting is what makes a coarse window the exact sum of its finest windows (see ContributionProcessor)
            // and what lets LatenessGate decide on the finest grid alone.
            if (window.toMillis() % smallest != 0) {
                throw new IllegalArgumentException(WINDOWS + " sizes must be whole multiples of the smallest ("
                        + windows.get(0) + "), was " + window);
            }
        }
        if (windows.stream().map(Durations::format).distinct().count() != windows.size()) {
            // Store and processor names carry the formatted size, so two sizes must not share one.
            throw new IllegalArgumentException(WINDOWS + " sizes must be distinct, was " + windows);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException(GRACE + " must not be negative, was " + grace);
        }
        if (horizon == null) {
            throw new IllegalArgumentException(BillingHorizon.KEY + " must be set");
        }
        if (maxSpread.isNegative()) {
            throw new IllegalArgumentException(MAX_SPREAD + " must not be negative, was " + maxSpread);
        }
        if (currency == null || currency.isBlank()) {
            throw new IllegalArgumentException(CURRENCY + " must be set");
        }
    }

    public static AttributionSettings from(SpendstreamConfig config) {
        return new AttributionSettings(windows(config),
                config.getDuration(GRACE, DEFAULT_GRACE),
                BillingHorizon.from(config),
                config.getDuration(MAX_SPREAD, DEFAULT_MAX_SPREAD),
                config.get(CURRENCY, DEFAULT_CURRENCY));
    }

    private static List<Duration> windows(SpendstreamConfig config) {
        Optional<String> sizes = config.find(WINDOWS);
        Optional<String> alias = config.find(WINDOW);
        if (sizes.isPresent() && alias.isPresent()) {
            throw new IllegalArgumentException("set " + WINDOWS + " only: " + WINDOW + " is its deprecated alias");
        }
        if (alias.isPresent()) {
            LOG.warn("{} is deprecated, use {}={}", WINDOW, WINDOWS, alias.get().trim());
            return List.of(config.getDuration(WINDOW, null));
        }
        if (sizes.isEmpty()) {
            return DEFAULT_WINDOWS;
        }
        List<Duration> parsed = new ArrayList<>();
        for (String size : sizes.get().split(",")) {
            if (!size.isBlank()) {
                try {
                    parsed.add(Durations.parse(size));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(WINDOWS + ": " + e.getMessage(), e);
                }
            }
        }
        return parsed;
    }

    /** The smallest window size: the one cost rows are spread over and real-time lateness is decided on. */
    public Duration finestWindow() {
        return windows.get(0);
    }

    /**
     * The grid of the smallest windows with the real-time grace: a record whose first such window is closed misses
     * every real-time window (sizes nest) and lands in the ledger windows only.
     */
    public WindowGrid grid() {
        return new WindowGrid(finestWindow(), grace);
    }

    /** The grid of windows of {@code size}, with the grace of a real-time window or the billing horizon of a ledger one. */
    public WindowGrid grid(Duration size) {
        return new WindowGrid(size, isRealTime(size) ? grace : horizon.span());
    }

    /** Whether windows of {@code size} are real-time (detectors, close after the grace) rather than ledger windows. */
    public static boolean isRealTime(Duration size) {
        return size.compareTo(SHORTEST_LEDGER_WINDOW) < 0;
    }

    /**
     * How long behind the newest record a window store keeps accepting parts of a size: its grace, plus
     * {@code max-spread} because a spread row sends parts that far ahead of stream time and advances the store's
     * own stream time by as much.
     */
    public Duration storeGrace(Duration size) {
        return grid(size).grace().plus(maxSpread);
    }
}
