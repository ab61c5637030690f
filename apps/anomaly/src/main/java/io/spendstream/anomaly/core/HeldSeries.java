package io.spendstream.anomaly.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.processor.api.Record;

/**
 * The series of one detector task that are on a catch-up hold, each with the last input record it got: what the task
 * releases them with by the wall clock once its backlog is read
 * ({@link io.spendstream.anomaly.detector.CostSpikeLifecycle#releaseHeld}). The record stands in for the update the
 * series did not get: its events go out at its timestamp, with what it says of the series (team, requests, children).
 * In memory only, so after a restart a held series is released by its next update, as before.
 *
 * @param <V> the detector's input value type
 */
public final class HeldSeries<V> {

    /** One held series: its key in the detector's stores and the last record it got. */
    public record Held<V>(String key, Record<String, V> lastRecord) {
    }

    private final Map<String, Record<String, V>> lastRecords = new LinkedHashMap<>();

    /** After an update of {@code key}: kept with {@code record} while its state {@code isHeld}, forgotten once not. */
    public void track(String key, boolean isHeld, Record<String, V> record) {
        if (isHeld) {
            lastRecords.put(key, record);
        } else {
            lastRecords.remove(key);
        }
    }

    public boolean isEmpty() {
        return lastRecords.isEmpty();
    }

    public int size() {
        return lastRecords.size();
    }

    /** Every held series, forgotten here: each is released once, by the caller. */
    public List<Held<V>> takeAll() {
        List<Held<V>> all = new ArrayList<>(lastRecords.size());
        lastRecords.forEach((key, record) -> all.add(new Held<>(key, record)));
        lastRecords.clear();
        return all;
    }

    /** Forgets every series (the task's stores were opened again: what it held is read from them anew). */
    public void clear() {
        lastRecords.clear();
    }
}
