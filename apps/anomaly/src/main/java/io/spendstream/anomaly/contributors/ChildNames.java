package io.spendstream.anomaly.contributors;

import java.util.HashMap;
import java.util.Map;

/**
 * One task's child names, each kept as one object: the pending windows of a series, and the series of a task, list
 * mostly the same resources and SKUs window after window, and every decoded update brings them as new strings. Kept
 * as decoded, a held day of windows was most of the anomaly app's heap (issue 18, a bench's anomaly alone: 1.3 million
 * strings among 200 MB live). Looking a name up costs its hash; sharing only with the series' previous window was
 * not enough, as which children a window lists (its costliest) changes from window to window.
 *
 * <p>Bounded: at {@value #MAX_NAMES} names it starts afresh (the names kept so far stay with the windows that hold
 * them; only their sharing with later windows is lost). Not thread-safe: one per task, as {@link ContributorStates}.
 */
public final class ChildNames {

    static final int MAX_NAMES = 32_768;

    private final Map<String, String> names = new HashMap<>();

    /** The object kept for {@code name}: the first equal one seen since the last fresh start. */
    public String shared(String name) {
        String kept = names.putIfAbsent(name, name);
        if (kept != null) {
            return kept;
        }
        if (names.size() > MAX_NAMES) {
            names.clear();
        }
        return name;
    }
}
