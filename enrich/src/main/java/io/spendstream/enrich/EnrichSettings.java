package io.spendstream.enrich;

import java.time.Duration;

import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The enrich app's own settings, read once when the topology is built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.enrich.tags.history}</td><td>{@code 30d}</td>
 *     <td>how far back the tag store keeps old tag versions, i.e. how old a cost may be and still be attributed
 *     with the tags that were valid at its own time</td></tr>
 * <tr><td>{@code spendstream.enrich.join.grace}</td><td>{@code 0s}</td>
 *     <td>how long (in stream time) a cost waits before it is joined, so that a tag version arriving slightly
 *     after the cost but valid before it is still used; every attributed cost is delayed by this much</td></tr>
 * </table>
 */
public record EnrichSettings(Duration tagsHistory, Duration joinGrace) {

    public static final String TAGS_HISTORY = "spendstream.enrich.tags.history";
    public static final String JOIN_GRACE = "spendstream.enrich.join.grace";

    public static final Duration DEFAULT_TAGS_HISTORY = Duration.ofDays(30);
    public static final Duration DEFAULT_JOIN_GRACE = Duration.ZERO;

    public EnrichSettings {
        if (tagsHistory.isNegative() || tagsHistory.isZero()) {
            throw new IllegalArgumentException(TAGS_HISTORY + " must be positive, was " + tagsHistory);
        }
        if (joinGrace.isNegative()) {
            throw new IllegalArgumentException(JOIN_GRACE + " must not be negative, was " + joinGrace);
        }
    }

    public static EnrichSettings from(SpendstreamConfig config) {
        return new EnrichSettings(config.getDuration(TAGS_HISTORY, DEFAULT_TAGS_HISTORY),
                config.getDuration(JOIN_GRACE, DEFAULT_JOIN_GRACE));
    }
}
