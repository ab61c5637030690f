package io.spendstream.ingest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The parsed form of the reference entries ({@code spend.prices}, {@code spend.fx-rates}) one task has read from a
 * global store, so that an entry's JSON is parsed once per value it takes rather than once per charge that needs it.
 *
 * <p>The global store stays the source of truth: every lookup still reads the store, and the parsed form is reused
 * only while the stored bytes are the same as the bytes it was parsed from, so a price or rate written under the same
 * key is seen by the very next charge. Entries that fail to parse are not kept (their exception is thrown again on
 * every charge that needs them, as before). At most {@code capacity} keys are kept, least recently used dropped first:
 * a catalogue of any size costs bounded memory. Not thread-safe: one instance per task.
 */
final class ParsedEntries<T> {

    private final int capacity;
    private final BiFunction<String, byte[], T> parser;
    private final Map<String, Parsed<T>> entries;

    /** {@code parser}: from the key and its stored bytes to the parsed entry, or an exception saying what is wrong. */
    ParsedEntries(int capacity, BiFunction<String, byte[], T> parser) {
        this.capacity = capacity;
        this.parser = parser;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Parsed<T>> eldest) {
                return size() > ParsedEntries.this.capacity;
            }
        };
    }

    /** The entry {@code bytes} (as just read from the store under {@code key}) parsed; null bytes give null. */
    T get(String key, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        Parsed<T> known = entries.get(key);
        if (known != null && Arrays.equals(known.bytes(), bytes)) {
            return known.value();
        }
        T value = parser.apply(key, bytes);
        entries.put(key, new Parsed<>(bytes.clone(), value));
        return value;
    }

    int size() {
        return entries.size();
    }

    private record Parsed<T>(byte[] bytes, T value) {
    }
}
