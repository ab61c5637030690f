package io.spendstream.anomaly.core;

/**
 * The usual requests of a series per window, learned from its settled windows: an EWMA, the level its traffic
 * context compares a window's requests with ("requests 5.0x usual", "requests -50%"). One rule for the services (the
 * drift detector's state) and the team scopes ({@code ScopeWindows}). Plain Java.
 */
public final class RequestLevel {

    /** EWMA weight of a window's requests: about the last 20 settled windows. */
    static final double ALPHA = 0.05;

    private RequestLevel() {
    }

    /** The level after learning a settled window with {@code requests}; the first window's requests when none yet. */
    public static double learn(double level, double requests) {
        return level <= 0 ? requests : level + ALPHA * (requests - level);
    }
}
