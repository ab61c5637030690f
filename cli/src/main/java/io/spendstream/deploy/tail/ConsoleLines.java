package io.spendstream.deploy.tail;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.Severity;

/**
 * What a live console ({@code spendstream up}) prints of {@code spend.anomalies} and {@code spend.alerts}: the state
 * changes, not every update. Every alert and every OPEN and RESOLVED is printed; an UPDATE only when its severity
 * changed (an escalation) or when nothing was printed for its dedup key for {@code updateEvery}. Each line is the
 * {@link RecordFormatter} line {@code tail} prints, led by the wall-clock time it was printed at, so the screen reads
 * in the order things happened to the person watching (event times inside the line may be minutes older while a
 * backlog is caught up). Not thread-safe: one tailer thread uses it.
 */
public final class ConsoleLines {

    private static final DateTimeFormatter WALL_CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final Duration updateEvery;
    private final Clock clock;
    private final Map<String, Printed> printed = new HashMap<>();

    private record Printed(long atMillis, Severity severity) {
    }

    public ConsoleLines(Duration updateEvery, Clock clock) {
        this.updateEvery = updateEvery;
        this.clock = clock;
    }

    /** The line to print for a record, or empty when it is an update to leave out. */
    public Optional<String> line(String key, Object value) {
        long now = clock.millis();
        if (value instanceof Anomaly a) {
            Printed last = printed.get(a.getDedupKey());
            boolean show = a.getState() != AnomalyState.UPDATE || last == null
                    || last.severity() != a.getSeverity() || now - last.atMillis() >= updateEvery.toMillis();
            if (!show) {
                return Optional.empty();
            }
            if (a.getState() == AnomalyState.RESOLVED) {
                printed.remove(a.getDedupKey());
            } else {
                printed.put(a.getDedupKey(), new Printed(now, a.getSeverity()));
            }
        }
        return Optional.of(WALL_CLOCK.format(clock.instant()) + " " + RecordFormatter.format(key, value));
    }
}
