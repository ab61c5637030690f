package io.spendstream.microbench;

import java.math.BigDecimal;

import io.spendstream.schemas.Money;

/**
 * The children of a series' window in the contributor benchmarks: even ones resources, odd ones SKUs, with names and
 * costs as the attribution app sends them, so the state benchmarks write the same strings and decimals.
 */
final class SampleChildren {

    private SampleChildren() {
    }

    static String kind(int child) {
        return child % 2 == 0 ? "resource" : "sku";
    }

    static String name(int child) {
        return child % 2 == 0 ? "i-0checkout" + String.format("%06x", child * 7919) : "sku-compute-" + child;
    }

    /** The child's cost in the window (its baseline's level in the baselines benchmark). */
    static BigDecimal cost(int child) {
        return Money.compact(new BigDecimal("0.0" + (31 + child) + "1234567"));
    }
}
