package io.spendstream.deploy.statesize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The arithmetic of {@code spendstream state-size}: from store sizes measured at three points, per store the growth
 * per scope per hour and the part per scope that does not grow, two linearity checks, and the linear extrapolation to
 * a given number of scopes and hours, capped by each store's retention.
 *
 * <p>The points: {@code small} scopes at {@code early} and {@code late} hours (the duration check), and {@code large}
 * scopes at the same two (the figures). Growth per scope-hour is {@code (late - early) / (scopes x hours between)};
 * the part that does not grow is what is left of {@code early} after {@code early hours} of growth. The duration
 * check compares the small run's growth over its first and second half; the scope check compares its growth per
 * scope-hour with the large run's. 1.00 is linear.
 */
final class StateSizeFigures {

    /** Sizes of every store ({@code <app>/<store>}) with {@code scopes} scopes after {@code hours} hours of data. */
    record Point(int scopes, long hours, Map<String, StoreSizes.Size> sizes) {
        StoreSizes.Size of(String store) {
            return sizes.getOrDefault(store, StoreSizes.Size.ZERO);
        }
    }

    /** One store's figures; {@code retention} null when the store keeps its entries for ever. */
    record StoreFigures(String store, Duration retention, double entriesPerScopeHour, double bytesPerScopeHour,
            double sstPerScopeHour, double fixedEntriesPerScope, double fixedBytesPerScope, double durationCheck, double scopeCheck) {

        /** Hours of data the store holds after {@code hours} hours: all of them, or its retention's worth. */
        double heldHours(double hours) {
            return retention == null ? hours : Math.min(hours, retention.toMillis() / 3_600_000.0);
        }

        double entries(double scopes, double hours) {
            return scopes * (fixedEntriesPerScope + entriesPerScopeHour * heldHours(hours));
        }

        double bytes(double scopes, double hours) {
            return scopes * (fixedBytesPerScope + bytesPerScopeHour * heldHours(hours));
        }

        /**
         * The SST files of the growing part, plus the non-growing part at its key + value bytes: the measured SST
         * size of a store of a few entries is mostly the files' own overhead, which does not scale with scopes.
         */
        double sstBytes(double scopes, double hours) {
            return scopes * (fixedBytesPerScope + sstPerScopeHour * heldHours(hours));
        }
    }

    private StateSizeFigures() {
    }

    /**
     * @param smallEarly the duration check's first point; {@code smallMiddle} and {@code smallLate} follow it at
     *                   equal steps
     * @param largeEarly the figures' first point ({@code largeLate} the second), at more scopes
     * @param retention  a store's retention, null for none
     */
    static List<StoreFigures> figures(Point smallEarly, Point smallMiddle, Point smallLate, Point largeEarly,
            Point largeLate, Function<String, Duration> retention) {
        TreeSet<String> stores = new TreeSet<>(largeLate.sizes().keySet());
        stores.addAll(smallLate.sizes().keySet());
        List<StoreFigures> figures = new ArrayList<>();
        for (String store : stores) {
            double entries = growth(largeEarly, largeLate, store, s -> s.entries());
            double bytes = growth(largeEarly, largeLate, store, s -> s.keyValueBytes());
            // A store whose data does not grow has SST files that change size by their overhead only.
            double sst = bytes == 0 ? 0 : growth(largeEarly, largeLate, store, s -> s.sstBytes());
            double firstHalf = growth(smallEarly, smallMiddle, store, s -> s.keyValueBytes());
            double secondHalf = growth(smallMiddle, smallLate, store, s -> s.keyValueBytes());
            double small = growth(smallEarly, smallLate, store, s -> s.keyValueBytes());
            figures.add(new StoreFigures(store, retention.apply(store), entries, bytes, sst,
                    fixed(largeEarly, store, entries, s -> s.entries()),
                    fixed(largeEarly, store, bytes, s -> s.keyValueBytes()),
                    ratio(secondHalf, firstHalf), ratio(bytes, small)));
        }
        return figures;
    }

    /** Growth per scope per hour between two points of the same scopes. */
    static double growth(Point early, Point late, String store, ToDoubleFunction<StoreSizes.Size> figure) {
        if (early.scopes() != late.scopes() || late.hours() <= early.hours()) {
            throw new IllegalArgumentException("Growth needs two durations of the same scopes");
        }
        return (figure.applyAsDouble(late.of(store)) - figure.applyAsDouble(early.of(store)))
                / ((double) early.scopes() * (late.hours() - early.hours()));
    }

    /** The part per scope that does not grow with hours: what {@code point} holds beyond its hours of growth. */
    static double fixed(Point point, String store, double perScopeHour, ToDoubleFunction<StoreSizes.Size> figure) {
        return figure.applyAsDouble(point.of(store)) / point.scopes() - perScopeHour * point.hours();
    }

    /** {@code a / b}; NaN when {@code b} is (about) zero, i.e. when the store does not grow. */
    static double ratio(double a, double b) {
        return Math.abs(b) < 1e-9 ? Double.NaN : a / b;
    }

    /** Bytes as B, KiB, MiB, GiB or TiB, three significant digits. */
    static String bytes(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        double value = bytes;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f B", value)
                : String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : value >= 10 ? "%.1f %s" : "%.2f %s", value,
                        units[unit]);
    }

    /** A count: two decimals below 100, thousands separators above, M / G above ten million. */
    static String count(double count) {
        if (count >= 1e10) {
            return String.format(Locale.ROOT, "%.1f G", count / 1e9);
        }
        if (count >= 1e7) {
            return String.format(Locale.ROOT, "%.1f M", count / 1e6);
        }
        return String.format(Locale.ROOT, Math.abs(count) < 100 ? "%.2f" : "%,.0f", count);
    }

    /** A linearity ratio: two decimals, "-" for a store that does not grow. */
    static String check(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio);
    }
}
