package io.spendstream.attribution;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * How many children (resources, SKUs) of a service a unit-cost window keeps; see {@link WindowChildren}.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.attribution.children.top}</td><td>{@code 20}</td>
 *     <td>children of each kind written on a {@code spend.unit-cost} record, costliest first; the rest is summed
 *     into one {@code (other)} entry</td></tr>
 * <tr><td>{@code spendstream.attribution.children.tracked}</td><td>{@code 50}</td>
 *     <td>children of each kind a window's running tally keeps (at least {@code top}): a child that starts small
 *     and grows within the window is still counted whole while fewer than this many are costlier. Bigger costs
 *     store space and throughput, since the whole tally is serialized on every update of its window</td></tr>
 * </table>
 */
public record UnitCostChildrenSettings(int top, int tracked) {

    public static final String TOP = "spendstream.attribution.children.top";
    public static final String TRACKED = "spendstream.attribution.children.tracked";
    public static final int DEFAULT_TOP = 20;
    public static final int DEFAULT_TRACKED = 50;

    public UnitCostChildrenSettings {
        if (top < 1) {
            throw new IllegalArgumentException(TOP + " must be at least 1, was " + top);
        }
        if (tracked < top) {
            throw new IllegalArgumentException(TRACKED + " (" + tracked + ") must be at least " + TOP + " (" + top + ")");
        }
    }

    public static UnitCostChildrenSettings from(SpendstreamConfig config) {
        int top = config.getInt(TOP, DEFAULT_TOP);
        return new UnitCostChildrenSettings(top, config.getInt(TRACKED, Math.max(DEFAULT_TRACKED, top)));
    }
}
