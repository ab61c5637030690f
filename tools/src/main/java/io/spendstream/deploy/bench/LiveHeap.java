package io.spendstream.deploy.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The live heap of a running app JVM: a full collection requested with {@code jcmd <pid> GC.run} (G1 runs it as a
 * full, compacting collection), and the heap it left, read from the app's GC log ({@link GcLog}). Only a full
 * collection frees everything unreachable: after G1's young and mixed pauses the old generation still holds whatever
 * garbage it has not marked and collected yet, so the largest heap left after those pauses overstates what the app
 * keeps (issue 18: the anomaly app's 658 MiB "after GC" in one run was 206 MiB after a full collection a few seconds
 * later). The log, not the app's {@code /metrics}: an app under load has allocated tens of megabytes more by the time
 * its endpoint answers (332 MiB read there against 118 MiB in the log, same collection). Taken where nothing is
 * measured (at the end of a phase, before the app's run stops), as a collection of a large heap takes a fraction of a
 * second.
 */
final class LiveHeap {

    private static final long GC_TIMEOUT_SECONDS = 60;

    private LiveHeap() {
    }

    /** Bytes left by a full collection of {@code pid}'s heap ({@code gcLog}: its GC log), or -1 when unknown. */
    static long afterFullGc(long pid, Path gcLog) {
        return fullGc(pid) ? GcLog.afterLastRequestedFullGc(gcLog) : -1;
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
