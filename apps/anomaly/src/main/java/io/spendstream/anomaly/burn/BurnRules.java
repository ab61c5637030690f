package io.spendstream.anomaly.burn;

import java.util.Optional;

import io.spendstream.avro.Severity;

/**
 * The SRE Workbook's multiwindow, multi-burn-rate rules over one evaluation's windows. In order: PAGE when the 1h and
 * the 5m rates both exceed {@code fastPage}; PAGE when the 6h and the 30m both exceed {@code slowPage}; TICKET when
 * the 3d and the 6h both exceed {@code ticket}. The first rule that fires wins. The long window says the burn is
 * significant, the short one that it is still going on, so a rule stops firing within minutes of the spend stopping.
 * "Exceed" is strict: a rate exactly at the threshold does not fire. Pure; no state.
 */
public final class BurnRules {

    private final BurnRateSettings settings;

    public BurnRules(BurnRateSettings settings) {
        this.settings = settings;
    }

    public Optional<BurnRuleMatch> evaluate(BurnWindows w) {
        if (both(w, BurnWindows.W1H, BurnWindows.W5M, settings.fastPage())) {
            return Optional.of(match(Severity.PAGE, w, BurnWindows.W1H, BurnWindows.W5M));
        }
        if (both(w, BurnWindows.W6H, BurnWindows.W30M, settings.slowPage())) {
            return Optional.of(match(Severity.PAGE, w, BurnWindows.W6H, BurnWindows.W30M));
        }
        if (both(w, BurnWindows.W3D, BurnWindows.W6H, settings.ticket())) {
            return Optional.of(match(Severity.TICKET, w, BurnWindows.W3D, BurnWindows.W6H));
        }
        return Optional.empty();
    }

    /**
     * How close the strongest rule is to firing, in [0,1]: for each rule the lower of its two rates over its
     * threshold, the highest of those, capped at 1. So 1.0 while a rule fires.
     */
    public double score(BurnWindows w) {
        double fast = Math.min(w.rate(BurnWindows.W1H), w.rate(BurnWindows.W5M)) / settings.fastPage();
        double slow = Math.min(w.rate(BurnWindows.W6H), w.rate(BurnWindows.W30M)) / settings.slowPage();
        double ticket = Math.min(w.rate(BurnWindows.W3D), w.rate(BurnWindows.W6H)) / settings.ticket();
        return Math.max(0.0, Math.min(1.0, Math.max(fast, Math.max(slow, ticket))));
    }

    private static boolean both(BurnWindows w, String longWindow, String shortWindow, double threshold) {
        return w.rate(longWindow) > threshold && w.rate(shortWindow) > threshold;
    }

    private static BurnRuleMatch match(Severity severity, BurnWindows w, String longWindow, String shortWindow) {
        return new BurnRuleMatch(severity, longWindow, w.rate(longWindow), shortWindow, w.rate(shortWindow));
    }
}
