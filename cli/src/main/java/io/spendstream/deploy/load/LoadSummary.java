package io.spendstream.deploy.load;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tally of one load: rows read, sent (acknowledged by Kafka, or valid in a dry run), rejected (first
 * {@value #SHOWN_REJECTIONS} with line and reason, then a count), and for usage the exact sum of EffectiveCost per
 * currency over the rows sent. Updated from the reading thread and from the producer's callback thread.
 */
public final class LoadSummary {

    static final int SHOWN_REJECTIONS = 20;
    static final String NO_CURRENCY = "(no currency)";

    private long read;
    private long sent;
    private long rejected;
    private long sentWithoutEffectiveCost;
    private String stoppedBecause;
    private final List<SourceItem.Rejection> firstRejections = new ArrayList<>();
    private final Map<String, BigDecimal> effectiveCost = new TreeMap<>();

    synchronized void rowRead() {
        read++;
    }

    synchronized void sent(OutgoingRecord record) {
        sent++;
        if (record.effectiveCost() == null) {
            sentWithoutEffectiveCost++;
            return;
        }
        effectiveCost.merge(record.currency() == null ? NO_CURRENCY : record.currency(), record.effectiveCost(),
                BigDecimal::add);
    }

    synchronized void rejected(SourceItem.Rejection rejection) {
        rejected++;
        if (firstRejections.size() < SHOWN_REJECTIONS) {
            firstRejections.add(rejection);
        }
    }

    /** The file could not be read to its end (e.g. not UTF-8 from some point on): the load stopped there. */
    synchronized void stopped(String reason) {
        stoppedBecause = reason;
    }

    public synchronized long read() {
        return read;
    }

    public synchronized long sent() {
        return sent;
    }

    public synchronized long rejected() {
        return rejected;
    }

    public synchronized List<SourceItem.Rejection> firstRejections() {
        return List.copyOf(firstRejections);
    }

    /** Exact sum of EffectiveCost per BillingCurrency over the rows sent (usage only). */
    public synchronized Map<String, BigDecimal> effectiveCost() {
        return new TreeMap<>(effectiveCost);
    }

    /** 0: every row sent; 1: some rejected, some sent; 2: nothing sent (including a file without rows). */
    public synchronized int exitCode() {
        if (sent > 0 && sent == read && rejected == 0 && stoppedBecause == null) {
            return 0;
        }
        return sent > 0 ? 1 : 2;
    }

    /** The summary a person reads at the end of a load; {@code sentLabel} is "sent" or "valid (dry run)". */
    synchronized void print(PrintWriter out, String what, boolean usage, String sentLabel) {
        out.println(what);
        out.printf("  rows read   %d%n", read);
        out.printf("  %-11s %d%n", sentLabel, sent);
        out.printf("  rejected    %d%n", rejected);
        for (SourceItem.Rejection r : firstRejections) {
            out.printf("    line %d: %s: %s%n", r.line(), r.reason(), r.message());
        }
        if (rejected > firstRejections.size()) {
            out.printf("    ... and %d more rejected rows%n", rejected - firstRejections.size());
        }
        if (usage) {
            if (effectiveCost.isEmpty()) {
                out.println("  EffectiveCost: none");
            }
            effectiveCost.forEach((currency, sum) -> out.printf("  EffectiveCost %s %s%n", sum.toPlainString(),
                    currency));
            if (sentWithoutEffectiveCost > 0) {
                out.printf("  (%d rows %s without a numeric EffectiveCost)%n", sentWithoutEffectiveCost,
                        sentLabel.startsWith("sent") ? "sent" : "valid");
            }
        }
        if (stoppedBecause != null) {
            out.printf("  stopped early: %s%n", stoppedBecause);
        } else if (read == 0) {
            out.println("  The file has no rows.");
        }
        out.flush();
    }
}
