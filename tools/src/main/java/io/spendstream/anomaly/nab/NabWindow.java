package io.spendstream.anomaly.nab;

import java.time.LocalDateTime;

/** One labelled anomaly window of a NAB series; both ends are row timestamps and both are inside the window. */
public record NabWindow(LocalDateTime start, LocalDateTime end) {

    public NabWindow {
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("Window end " + end + " is before its start " + start);
        }
    }
}
