package io.spendstream.enrich;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.spendstream.runtime.config.BillingHorizon;
import io.spendstream.runtime.config.SpendstreamConfig;

/**
 * The enrich app's own settings, read once when the topology is built.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code spendstream.enrich.tags.history}</td><td>the billing horizon ({@code spendstream.billing.horizon},
 *     65d)</td>
 *     <td>how far back the tag store keeps old tag versions, i.e. how old a cost may be and still be attributed
 *     with the tags that were valid at its own time. It follows the billing horizon, so a bill or a restatement
 *     weeks late is attributed as of its own time like everything the rest of the pipeline still counts</td></tr>
 * <tr><td>{@code spendstream.enrich.join.grace}</td><td>{@code 0s}</td>
 *     <td>how long (in stream time) a cost waits before it is joined, so that a tag version arriving slightly
 *     after the cost but valid before it is still used; every attributed cost is delayed by this much</td></tr>
 * <tr><td>{@code spendstream.enrich.focus-tags.service}</td><td>{@code service,application,app}</td>
 *     <td>comma-separated FOCUS {@code Tags} keys a row's service is read from when the tag table does not know
 *     its resource; matched case-insensitively, the first key with a non-blank value wins</td></tr>
 * <tr><td>{@code spendstream.enrich.focus-tags.team}</td><td>{@code team,owner}</td>
 *     <td>the same for the team (e.g. {@code squad,team} for a tag policy that says "squad")</td></tr>
 * <tr><td>{@code spendstream.enrich.focus-tags.product}</td><td>{@code product}</td>
 *     <td>the same for the product</td></tr>
 * <tr><td>{@code spendstream.enrich.focus-tags.environment}</td><td>{@code environment,env}</td>
 *     <td>the same for the environment</td></tr>
 * <tr><td>{@code spendstream.enrich.focus-tags.cost-center}</td><td>{@code costCenter,cost_center,cost-center}</td>
 *     <td>the same for the cost center</td></tr>
 * </table>
 * A focus-tags list replaces the default list as a whole; it must name at least one key. The {@code shared} flag
 * is always read from the key {@code shared}.
 */
public record EnrichSettings(Duration tagsHistory, Duration joinGrace, FocusTagKeys focusTags) {

    public static final String TAGS_HISTORY = "spendstream.enrich.tags.history";
    public static final String JOIN_GRACE = "spendstream.enrich.join.grace";
    public static final String FOCUS_TAGS_SERVICE = "spendstream.enrich.focus-tags.service";
    public static final String FOCUS_TAGS_TEAM = "spendstream.enrich.focus-tags.team";
    public static final String FOCUS_TAGS_PRODUCT = "spendstream.enrich.focus-tags.product";
    public static final String FOCUS_TAGS_ENVIRONMENT = "spendstream.enrich.focus-tags.environment";
    public static final String FOCUS_TAGS_COST_CENTER = "spendstream.enrich.focus-tags.cost-center";

    public static final Duration DEFAULT_JOIN_GRACE = Duration.ZERO;

    public EnrichSettings {
        if (tagsHistory.isNegative() || tagsHistory.isZero()) {
            throw new IllegalArgumentException(TAGS_HISTORY + " must be positive, was " + tagsHistory);
        }
        if (joinGrace.isNegative()) {
            throw new IllegalArgumentException(JOIN_GRACE + " must not be negative, was " + joinGrace);
        }
        Objects.requireNonNull(focusTags, "focusTags");
    }

    public static EnrichSettings from(SpendstreamConfig config) {
        FocusTagKeys defaults = FocusTagKeys.DEFAULT;
        FocusTagKeys focusTags = new FocusTagKeys(
                keyList(config, FOCUS_TAGS_SERVICE, defaults.service()),
                keyList(config, FOCUS_TAGS_TEAM, defaults.team()),
                keyList(config, FOCUS_TAGS_PRODUCT, defaults.product()),
                keyList(config, FOCUS_TAGS_ENVIRONMENT, defaults.environment()),
                keyList(config, FOCUS_TAGS_COST_CENTER, defaults.costCenter()));
        return new EnrichSettings(config.getDuration(TAGS_HISTORY, BillingHorizon.from(config).span()),
                config.getDuration(JOIN_GRACE, DEFAULT_JOIN_GRACE), focusTags);
    }

    private static List<String> keyList(SpendstreamConfig config, String key, List<String> defaults) {
        return config.find(key).map(value -> {
            List<String> keys = Arrays.stream(value.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
            if (keys.isEmpty()) {
                // A list of only commas would silently stop reading the field from FOCUS tags at all.
                throw new IllegalArgumentException("Setting " + key + "=" + value + " names no tag key");
            }
            return keys;
        }).orElse(defaults);
    }
}
