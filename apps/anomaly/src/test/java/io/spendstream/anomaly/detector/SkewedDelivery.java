package io.spendstream.anomaly.detector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;

/**
 * Test helper: delivers items the way a lagging upstream partition does while a backlog is caught up. Each item is
 * delayed by a random 0..maxSkew after its event time and items are delivered in order of arrival, so updates of a
 * series' windows interleave (and even the updates of one window swap places) with up to maxSkew of event-time skew.
 * Seeded: a test sees the same interleaving on every run.
 */
public final class SkewedDelivery {

    private SkewedDelivery() {
    }

    public static <T> List<T> shuffle(List<T> inOrder, ToLongFunction<T> eventTime, long maxSkewMillis,
            Random random) {
        record Arrival<T>(T item, long at, int index) {
        }
        List<Arrival<T>> arrivals = new ArrayList<>(inOrder.size());
        for (int i = 0; i < inOrder.size(); i++) {
            T item = inOrder.get(i);
            long delay = (long) (random.nextDouble() * maxSkewMillis);
            arrivals.add(new Arrival<>(item, eventTime.applyAsLong(item) + delay, i));
        }
        arrivals.sort(Comparator.<Arrival<T>>comparingLong(Arrival::at).thenComparingInt(Arrival::index));
        return arrivals.stream().map(Arrival::item).toList();
    }

    /** The largest event-time distance by which an item arrives after a newer one: how skewed the delivery is. */
    public static <T> long maxSkew(List<T> delivered, ToLongFunction<T> eventTime) {
        long newest = Long.MIN_VALUE;
        long skew = 0;
        for (T item : delivered) {
            long t = eventTime.applyAsLong(item);
            newest = Math.max(newest, t);
            skew = Math.max(skew, newest - t);
        }
        return skew;
    }
}
