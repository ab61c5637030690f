package io.spendstream.deploy.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Progress of a load on stderr: a bar redrawn in place (at most ten times a second) when stderr is a terminal,
 * otherwise (a log file, CI) one plain line every {@code every} rows, so logs stay readable.
 */
final class Progress {

    private static final int BAR_WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final long every;
    private final long totalBytes;
    private long lastDraw;
    private boolean drawn;

    Progress(PrintWriter err, boolean terminal, long every, long totalBytes) {
        this.err = err;
        this.terminal = terminal;
        this.every = every;
        this.totalBytes = totalBytes;
    }

    /** True when this process's stderr is a terminal (Linux: fd 2 is a tty; elsewhere: there is a console). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    void update(LoadSummary summary, long bytesRead) {
        long read = summary.read();
        if (terminal) {
            long now = System.nanoTime();
            if (drawn && now - lastDraw < REDRAW_NANOS) {
                return;
            }
            lastDraw = now;
            drawn = true;
            draw(summary, bytesRead);
        } else if (every > 0 && read > 0 && read % every == 0) {
            err.printf("load: %d rows read, %d sent, %d rejected%n", read, summary.sent(), summary.rejected());
            err.flush();
        }
    }

    /** Draws the final state and ends the bar's line, so the summary starts on a fresh one. */
    void finish(LoadSummary summary, long bytesRead) {
        if (terminal && drawn) {
            draw(summary, bytesRead);
            err.println();
            err.flush();
        }
    }

    private void draw(LoadSummary summary, long bytesRead) {
        double fraction = totalBytes <= 0 ? 1.0 : Math.min(1.0, (double) bytesRead / totalBytes);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        err.printf("\r[%s%s] %3d%%  %d rows, %d sent, %d rejected", "#".repeat(filled), " ".repeat(BAR_WIDTH - filled),
                Math.round(fraction * 100), summary.read(), summary.sent(), summary.rejected());
        err.flush();
    }
}
