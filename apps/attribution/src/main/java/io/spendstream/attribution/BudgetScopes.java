package io.spendstream.attribution;

import java.util.ArrayList;
import java.util.List;

import io.spendstream.avro.Attribution;

/**
 * The budget scopes a cost counts against: {@code service:<service>}, {@code team:<team>},
 * {@code product:<product>} for each owner the attribution names, and always {@code all}. An unallocated cost
 * counts only against {@code all}: it has no owner to charge, but it is money spent.
 */
public final class BudgetScopes {

    public static final String ALL = "all";
    public static final String SERVICE = "service:";
    public static final String TEAM = "team:";
    public static final String PRODUCT = "product:";

    private BudgetScopes() {
    }

    public static List<String> of(Attribution attribution) {
        List<String> scopes = new ArrayList<>(4);
        add(scopes, SERVICE, attribution.getService());
        add(scopes, TEAM, attribution.getTeam());
        add(scopes, PRODUCT, attribution.getProduct());
        scopes.add(ALL);
        return scopes;
    }

    /** True for a scope a budget can be set on. */
    public static boolean isValid(String scope) {
        if (scope.equals(ALL)) {
            return true;
        }
        for (String prefix : List.of(SERVICE, TEAM, PRODUCT)) {
            if (scope.startsWith(prefix) && !scope.substring(prefix.length()).isBlank()) {
                return true;
            }
        }
        return false;
    }

    private static void add(List<String> scopes, String prefix, String owner) {
        if (owner != null && !owner.isBlank()) {
            scopes.add(prefix + owner);
        }
    }
}
