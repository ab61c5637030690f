package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.spendstream.attribution.ShowbackKey.Kind;
import io.spendstream.attribution.avro.ServiceUse;
import io.spendstream.attribution.avro.ShowbackEntry;
import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.schemas.Money;

/**
 * One showback hour in memory (stored entry by entry, {@link ShowbackEntries}): what it has received, and the
 * allocation per owner that follows from it, shared cost apportioned. An owner is a team (its name) or a product
 * ({@link AllocationTopology#productKey}): every direct cost counts for both, so each dimension sums to the hour's
 * spend on its own. Pure: no Kafka.
 *
 * <p><b>Apportionment.</b> The hour's shared cost is kept per apportionment setting ({@link SharedCostRules}: the
 * default, or the override of a shared resource or service), and each of those amounts is split by
 * {@link SharedCostApportioner} (exact, largest remainder) between the services that used the shared infrastructure
 * in the hour:
 * <ul>
 * <li>{@code requests}: every service with requests in the hour, weight = its requests;</li>
 * <li>{@code even}: every service active in the hour (requests, or a direct cost row), weight 1;</li>
 * <li>{@code weights}: every active service that has a configured weight, weight = that weight.</li>
 * </ul>
 * When no service qualifies for an amount, it goes whole to {@value AllocationTopology#SHARED_UNAPPORTIONED} (team
 * and product), so it stays visible. A service's part goes to the team (product) of the service's latest direct cost
 * row naming a team (product) in the same hour; a service with no such row gives its part to
 * {@value AllocationTopology#UNALLOCATED}. Either way the parts of all owners of a dimension sum to the hour's total
 * spend exactly: each split sums to its amount, and the amounts sum to the shared cost.
 */
public final class ShowbackHour {

    private static final String UNAPPORTIONED_PRODUCT = AllocationTopology.productKey(
            AllocationTopology.SHARED_UNAPPORTIONED);
    private static final String UNALLOCATED_PRODUCT = AllocationTopology.productKey(AllocationTopology.UNALLOCATED);

    private final long start;
    private final SortedMap<String, BigDecimal> direct = new TreeMap<>();
    private final SortedMap<String, ServiceUse> services = new TreeMap<>();
    private final SortedMap<String, BigDecimal> sharedByRule = new TreeMap<>();
    private SortedMap<String, Showback> emitted = new TreeMap<>();
    private BigDecimal sharedCost = Money.ZERO;

    private ShowbackHour(long start) {
        this.start = start;
    }

    /** An hour that has received nothing yet; {@code start}: its start, epoch ms. */
    public static ShowbackHour empty(long start) {
        return new ShowbackHour(start);
    }

    public long start() {
        return start;
    }

    /** Books one input of the hour; returns the keys of the entries it changed, which the store must rewrite. */
    public List<ShowbackKey> add(ShowbackInput input) {
        switch (input.getKind()) {
            case DIRECT -> {
                BigDecimal amount = Money.of(input.getAmount());
                // An input written before products were shown back has none: it still counts, as unallocated.
                String product = input.getProduct() == null ? UNALLOCATED_PRODUCT
                        : AllocationTopology.productKey(input.getProduct());
                direct.merge(input.getTeam(), amount, Money::add);
                direct.merge(product, amount, Money::add);
                List<ShowbackKey> changed = new ArrayList<>(3);
                changed.add(new ShowbackKey(Kind.DIRECT, start, input.getTeam()));
                changed.add(new ShowbackKey(Kind.DIRECT, start, product));
                if (input.getService() != null) {
                    ServiceUse use = service(input.getService());
                    use.setHasCost(true);
                    if (input.getOwnsTeam()) {
                        use.setTeam(input.getTeam());
                    }
                    if (input.getOwnsProduct()) {
                        use.setProduct(input.getProduct());
                    }
                    changed.add(new ShowbackKey(Kind.SERVICE, start, input.getService()));
                }
                return changed;
            }
            case SHARED -> {
                if (input.getSharedRule() == null) {
                    sharedCost = Money.add(sharedCost, input.getAmount());
                    return List.of(ShowbackKey.of(Kind.SHARED_DEFAULT, start));
                }
                sharedByRule.merge(input.getSharedRule(), Money.of(input.getAmount()), Money::add);
                return List.of(new ShowbackKey(Kind.SHARED_RULE, start, input.getSharedRule()));
            }
            case REQUESTS -> {
                ServiceUse use = service(input.getService());
                use.setRequests(use.getRequests() + input.getRequests());
                return List.of(new ShowbackKey(Kind.SERVICE, start, input.getService()));
            }
            default -> throw new IllegalArgumentException("unknown showback input kind " + input.getKind());
        }
    }

    /** The current value of one of this hour's entries, or null when the hour has none under that key. */
    public ShowbackEntry entry(ShowbackKey key) {
        return switch (key.kind()) {
            case DIRECT -> amounts(direct.get(key.name()), Money.ZERO);
            case SHARED_DEFAULT -> amounts(Money.ZERO, sharedCost);
            case SHARED_RULE -> amounts(Money.ZERO, sharedByRule.get(key.name()));
            case SERVICE -> {
                ServiceUse use = services.get(key.name());
                // The store serializes on put, so it may see the object we keep mutating.
                yield use == null ? null : new ShowbackEntry(Money.ZERO, Money.ZERO, use);
            }
            case EMITTED -> {
                Showback shown = emitted.get(key.name());
                yield shown == null ? null : amounts(shown.direct(), shown.shared());
            }
            case DAY, MONTH, DIRTY -> throw new IllegalArgumentException(key.kind() + " is not an entry of an hour");
        };
    }

    /** Puts back one stored entry (from {@link #entry}) when the hour is loaded from the store. */
    public void restore(ShowbackKey key, ShowbackEntry entry) {
        switch (key.kind()) {
            case DIRECT -> direct.put(key.name(), Money.of(entry.getDirect()));
            case SHARED_DEFAULT -> sharedCost = Money.of(entry.getShared());
            case SHARED_RULE -> sharedByRule.put(key.name(), Money.of(entry.getShared()));
            case SERVICE -> services.put(key.name(), entry.getUse());
            case EMITTED -> emitted.put(key.name(), new Showback(entry.getDirect(), entry.getShared()));
            case DAY, MONTH, DIRTY -> throw new IllegalArgumentException(key.kind() + " is not an entry of an hour");
        }
    }

    private static ShowbackEntry amounts(BigDecimal direct, BigDecimal shared) {
        return direct == null || shared == null ? null : new ShowbackEntry(direct, shared, null);
    }

    /** The hour's allocation of every owner (team or product) that has one, shared cost apportioned. */
    public SortedMap<String, Showback> allocations(SharedCostRules rules) {
        SortedMap<String, Showback> allocations = new TreeMap<>();
        direct.forEach((owner, amount) -> allocations.merge(owner, new Showback(amount, Money.ZERO), Showback::plus));
        apportion(sharedCost, rules.defaults(), allocations);
        sharedByRule.forEach((rule, amount) -> apportion(amount, rules.settingsOf(rule), allocations));
        return allocations;
    }

    private void apportion(BigDecimal amount, SharedCostSettings settings, SortedMap<String, Showback> allocations) {
        if (amount.signum() == 0) {
            return;
        }
        Map<String, BigInteger> weights = weights(settings);
        if (weights.isEmpty()) {
            Showback unapportioned = new Showback(Money.ZERO, amount);
            allocations.merge(AllocationTopology.SHARED_UNAPPORTIONED, unapportioned, Showback::plus);
            allocations.merge(UNAPPORTIONED_PRODUCT, unapportioned, Showback::plus);
            return;
        }
        SharedCostApportioner.apportion(amount, weights).forEach((service, part) -> {
            ServiceUse use = services.get(service);
            Showback shown = new Showback(Money.ZERO, part);
            allocations.merge(use.getTeam() != null ? use.getTeam() : AllocationTopology.UNALLOCATED, shown,
                    Showback::plus);
            allocations.merge(use.getProduct() != null ? AllocationTopology.productKey(use.getProduct())
                    : UNALLOCATED_PRODUCT, shown, Showback::plus);
        });
    }
    /** What each service weighs in the split of the hour's shared cost (only positive weights). */
    Map<String, BigInteger> weights(SharedCostSettings settings) {
        Map<String, BigInteger> weights = new TreeMap<>();
        int scale = Math.max(0, settings.weights().values().stream().mapToInt(BigDecimal::scale).max().orElse(0));
        for (ServiceUse use : services.values()) {
            boolean active = use.getRequests() > 0 || use.getHasCost();
            switch (settings.method()) {
                case REQUESTS -> {
                    if (use.getRequests() > 0) {
                        weights.put(use.getService(), BigInteger.valueOf(use.getRequests()));
                    }
                }
                case EVEN -> {
                    if (active) {
                        weights.put(use.getService(), BigInteger.ONE);
                    }
                }
                case WEIGHTS -> {
                    BigDecimal weight = settings.weights().get(use.getService());
                    if (active && weight != null) {
                        // Scaled to integers by the finest scale configured, so the ratios stay exact.
                        weights.put(use.getService(), weight.movePointRight(scale).toBigIntegerExact());
                    }
                }
            }
        }
        return weights;
    }

    /** The allocations last emitted for the hour, by owner. */
    public SortedMap<String, Showback> emitted() {
        return emitted;
    }

    public void setEmitted(SortedMap<String, Showback> emitted) {
        this.emitted = new TreeMap<>(emitted);
    }

    private ServiceUse service(String name) {
        return services.computeIfAbsent(name, n -> ServiceUse.newBuilder().setService(n).build());
    }
}
