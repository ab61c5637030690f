package io.spendstream.anomaly.scopes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.streams.KeyValue;

import io.spendstream.anomaly.avro.ScopePartRecord;
import io.spendstream.avro.ChildCost;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * Cuts one {@code spend.unit-cost} update of a service into its parts of the wider scopes it belongs to, each keyed
 * by its {@link ScopeKey}: the service's whole cost is part of its team ({@code team:<team>}); its cost on each
 * resource and SKU it lists is part of {@code resource:<id>} and {@code sku:<id>}. A team part carries the service's
 * requests too (with how far its APM summaries cover the window); resource and SKU parts carry none, a service's
 * requests being no measure of one resource's or SKU's traffic. Plain Java, no state.
 *
 * <ul>
 *   <li>A service without a team (null or blank: from an attribution before the field, or rows enrich could not
 *       attribute a team) is part of team {@value #UNALLOCATED}: counted, never dropped.</li>
 *   <li>The children named {@value #NONE} (rows without a resource or SKU id; a blank name likewise) and the
 *       {@code (other)} remainder are no resource or SKU, and not parts of one; their cost stays in the service and
 *       team scopes.</li>
 *   <li>A resource or SKU that drops out of a service's top children (attribution lists the top 20 of each kind)
 *       keeps the last cost it was listed with for that window: an under-estimate, never a double count.</li>
 * </ul>
 */
public final class ScopeParts {

    /** The team of a service whose updates name none. */
    public static final String UNALLOCATED = "unallocated";
    static final String NONE = "(none)";

    private ScopeParts() {
    }

    /** The parts of one update in the configured wider scopes, in the order team, resources, SKUs. */
    public static List<KeyValue<String, ScopePartRecord>> of(String service, UnitCost cost,
            Set<DetectionScope> scopes) {
        List<KeyValue<String, ScopePartRecord>> parts = new ArrayList<>();
        if (scopes.contains(DetectionScope.TEAM)) {
            KeyValue<String, ScopePartRecord> team = part(new ScopeKey(DetectionScope.TEAM, teamOf(cost)), service,
                    cost, cost.getCost());
            // A team's requests are its services' requests: its traffic context. A resource's or SKU's are not.
            team.value.setRequests(cost.getRequests());
            team.value.setRequestsCoveredUntil(cost.getRequestsCoveredUntil() == null ? null
                    : cost.getRequestsCoveredUntil().toEpochMilli());
            parts.add(team);
        }
        for (DetectionScope scope : List.of(DetectionScope.RESOURCE, DetectionScope.SKU)) {
            if (scopes.contains(scope)) {
                for (ChildCost child : cost.getChildren()) {
                    if (child.getKind().equals(scope.label()) && !child.getRemainder()
                            && !NONE.equals(child.getName()) && !child.getName().isBlank()) {
                        parts.add(part(new ScopeKey(scope, child.getName()), service, cost, child.getCost()));
                    }
                }
            }
        }
        return parts;
    }

    static String teamOf(UnitCost cost) {
        String team = cost.getTeam();
        return team == null || team.isBlank() ? UNALLOCATED : team.trim();
    }

    private static KeyValue<String, ScopePartRecord> part(ScopeKey scope, String service, UnitCost cost,
            BigDecimal amount) {
        return KeyValue.pair(scope.key(), ScopePartRecord.newBuilder()
                .setPart(service)
                .setWindowStart(cost.getWindowStart().toEpochMilli())
                .setWindowEnd(cost.getWindowEnd().toEpochMilli())
                .setCurrency(cost.getCurrency())
                .setCost(Money.of(amount))
                // A service's rows cover the same charge time in each of its scopes (its team, its resources, SKUs).
                .setCoveredUntil(cost.getCoveredUntil() == null ? null : cost.getCoveredUntil().toEpochMilli())
                .build());
    }
}
