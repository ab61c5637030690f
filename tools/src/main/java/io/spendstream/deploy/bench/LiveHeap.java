package io.spendstream.deploy.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of a running app JVM: a full collection requested with {@code jcmd <pid> GC.run} (a
 * {@code System.gc()}, which G1 runs as a full, compacting collection), then the heap in use read from the app's
 * {@code /metrics} ({@link HeapScrape}). Only a full collection frees everything unreachable: after G1's young and
 * mixed pauses the old generation still holds whatever garbage it has not marked and collected yet, so the largest
 * heap left after those pauses ({@link GcLog}) overstates what the app keeps (issue 18: the anomaly app's 658 MiB
 * "after GC" in one run was 206 MiB after a full collection a few seconds later). Taken where nothing is measured
 * (at the end of a phase, before the app's run stops), as a collection of a large heap takes a fraction of a second.
 */
final class LiveHeap {

    private static final long GC_TIMEOUT_SECONDS = 60;

    private LiveHeap() {
    }

    /** Bytes in use after a full collection of {@code pid}'s heap, or -1 when it cannot be requested or read. */
    static long afterFullGc(long pid, int metricsPort) {
        if (metricsPort <= 0 || !fullGc(pid)) {
            return -1;
        }
        return HeapScrape.heapUsedBytes(metricsPort);
    }

    private static boolean fullGc(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(GC_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
