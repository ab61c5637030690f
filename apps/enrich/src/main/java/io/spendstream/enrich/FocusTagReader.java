package io.spendstream.enrich;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import io.spendstream.avro.ResourceTags;

/**
 * Reads an owner from a billing row's own FOCUS {@code Tags}, the fallback for resources the tag table does not
 * know. Keys are matched case-insensitively (providers and tag policies disagree on case); the first key of each
 * list that has a non-blank value wins. The lists come from {@link FocusTagKeys} (configured with the
 * {@code spendstream.enrich.focus-tags.*} keys of {@link EnrichSettings}); by default they are:
 *
 * <table>
 * <caption>Default FOCUS tag keys</caption>
 * <tr><th>field</th><th>keys, in order</th></tr>
 * <tr><td>service</td><td>service, application, app</td></tr>
 * <tr><td>team</td><td>team, owner</td></tr>
 * <tr><td>product</td><td>product</td></tr>
 * <tr><td>environment</td><td>environment, env</td></tr>
 * <tr><td>costCenter</td><td>costCenter, cost_center, cost-center</td></tr>
 * <tr><td>shared</td><td>shared ({@code true})</td></tr>
 * </table>
 */
public final class FocusTagReader {

    static final List<String> SHARED_KEYS = List.of("shared");

    private final FocusTagKeys keys;

    public FocusTagReader(FocusTagKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    public FocusTagReader() {
        this(FocusTagKeys.DEFAULT);
    }

    /** The owner the tags name, or empty when they name neither a service nor a team nor shared use. */
    public Optional<ResourceTags> read(Map<String, String> focusTags) {
        if (focusTags == null || focusTags.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> byLowerKey = lowerCaseKeys(focusTags);
        ResourceTags tags = ResourceTags.newBuilder()
                .setService(first(byLowerKey, keys.service()))
                .setTeam(first(byLowerKey, keys.team()))
                .setProduct(first(byLowerKey, keys.product()))
                .setEnvironment(first(byLowerKey, keys.environment()))
                .setCostCenter(first(byLowerKey, keys.costCenter()))
                .setShared("true".equalsIgnoreCase(first(byLowerKey, SHARED_KEYS)))
                .build();
        return AttributionResolver.namesAnOwner(tags) ? Optional.of(tags) : Optional.empty();
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> tags) {
        // Sorted first so that "Team" and "team" on one row resolve the same way every time.
        Map<String, String> lower = new TreeMap<>();
        new TreeMap<>(tags).forEach((key, value) -> {
            if (key != null && value != null && !value.isBlank()) {
                lower.putIfAbsent(key.trim().toLowerCase(Locale.ROOT), value.trim());
            }
        });
        return lower;
    }

    private static String first(Map<String, String> byLowerKey, List<String> keys) {
        return keys.stream().map(byLowerKey::get).filter(v -> v != null).findFirst().orElse(null);
    }
}
