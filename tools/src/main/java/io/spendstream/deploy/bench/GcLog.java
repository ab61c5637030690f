package io.spendstream.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap peaks from a unified GC log ({@code -Xlog:gc}), whose pause lines read
 * {@code GC(3) Pause Young (Normal) (G1 Evacuation Pause) 23M->4M(256M) 3.456ms}: the heap is at a local maximum
 * just before each collection, so the largest "before" is the peak heap the app ever occupied, and the largest
 * "after" is the most it could not free (live data plus what G1 chose to keep).
 */
final class GcLog {

    /** How a unified GC log names the full collection of {@code jcmd <pid> GC.run}. */
    static final String REQUESTED_FULL_GC = "Pause Full (Diagnostic Command)";

    private static final Pattern PAUSE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    record Peaks(long beforeGcBytes, long afterGcBytes) {
    }

    private GcLog() {
    }

    static Peaks read(Path log) {
        try {
            return parse(Files.exists(log) ? Files.readAllLines(log) : List.of());
        } catch (IOException e) {
            return new Peaks(-1, -1);
        }
    }

    static Peaks parse(List<String> lines) {
        long before = -1;
        long after = -1;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                before = Math.max(before, bytes(m.group(1), m.group(2)));
                after = Math.max(after, bytes(m.group(3), m.group(4)));
            }
        }
        return new Peaks(before, after);
    }

    /**
     * The heap left by the last full collection {@code jcmd GC.run} asked for (its pause line reads
     * {@code Pause Full (Diagnostic Command) 247M->118M(400M)}), or -1 when the log has none.
     */
    static long afterLastRequestedFullGc(Path log) {
        try {
            return Files.exists(log) ? afterLastRequestedFullGc(Files.readAllLines(log)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    static long afterLastRequestedFullGc(List<String> lines) {
        long after = -1;
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (line.contains(REQUESTED_FULL_GC) && m.find()) {
                after = bytes(m.group(3), m.group(4));
            }
        }
        return after;
    }

    private static long bytes(String amount, String unit) {
        long value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value * 1024;
            case "M" -> value * 1024 * 1024;
            default -> value * 1024 * 1024 * 1024;
        };
    }
}
