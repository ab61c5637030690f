package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.spendstream.attribution.avro.HourShowback;
import io.spendstream.attribution.avro.ServiceUse;
import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.attribution.avro.TeamCost;
import io.spendstream.attribution.avro.TeamShowback;
import io.spendstream.schemas.Money;

/**
 * One showback hour in memory (stored as the private Avro {@link HourShowback}): what it has received, and the
 * allocation per team that follows from it, shared cost apportioned. Pure: no Kafka.
 *
 * <p><b>Apportionment.</b> The hour's shared cost is split by {@link SharedCostApportioner} (exact, largest
 * remainder) between the services that used the shared infrastructure in the hour:
 * <ul>
 * <li>{@code requests}: every service with requests in the hour, weight = its requests;</li>
 * <li>{@code even}: every service active in the hour (requests, or a direct cost row), weight 1;</li>
 * <li>{@code weights}: every active service that has a configured weight, weight = that weight.</li>
 * </ul>
 * When no service qualifies, the whole shared cost goes to the team {@value AllocationTopology#SHARED_UNAPPORTIONED},
 * so it stays visible. A service's part goes to the team of the service's latest direct cost row with a team in the
 * same hour; a service with no such row (traffic only, or only untagged cost) gives its part to
 * {@value AllocationTopology#UNALLOCATED}. Either way the parts of all teams sum to the hour's total spend exactly.
 */
public final class ShowbackHour {

    private final SortedMap<String, BigDecimal> direct = new TreeMap<>();
    private final SortedMap<String, ServiceUse> services = new TreeMap<>();
    private SortedMap<String, Showback> emitted = new TreeMap<>();
    private BigDecimal sharedCost = Money.ZERO;

    public static ShowbackHour empty() {
        return new ShowbackHour();
    }

    public static ShowbackHour of(HourShowback stored) {
        ShowbackHour hour = new ShowbackHour();
        stored.getDirect().forEach(c -> hour.direct.put(c.getTeam(), Money.of(c.getAmount())));
        stored.getServices().forEach(s -> hour.services.put(s.getService(), s));
        stored.getEmitted().forEach(e -> hour.emitted.put(e.getTeam(), new Showback(e.getDirect(), e.getShared())));
        hour.sharedCost = Money.of(stored.getSharedCost());
        return hour;
    }

    /** Books one input of the hour. */
    public void add(ShowbackInput input) {
        switch (input.getKind()) {
            case DIRECT -> {
                direct.merge(input.getTeam(), Money.of(input.getAmount()), Money::add);
                if (input.getService() != null) {
                    ServiceUse use = service(input.getService());
                    use.setHasCost(true);
                    if (input.getOwnsTeam()) {
                        use.setTeam(input.getTeam());
                    }
                }
            }
            case SHARED -> sharedCost = Money.add(sharedCost, input.getAmount());
            case REQUESTS -> {
                ServiceUse use = service(input.getService());
                use.setRequests(use.getRequests() + input.getRequests());
            }
        }
    }

    /** The hour's allocation of every team that has one, shared cost apportioned. */
    public SortedMap<String, Showback> allocations(SharedCostSettings settings) {
        SortedMap<String, Showback> allocations = new TreeMap<>();
        direct.forEach((team, amount) -> allocations.merge(team, new Showback(amount, Money.ZERO), Showback::plus));
        if (sharedCost.signum() != 0) {
            Map<String, BigInteger> weights = weights(settings);
            if (weights.isEmpty()) {
                allocations.merge(AllocationTopology.SHARED_UNAPPORTIONED, new Showback(Money.ZERO, sharedCost),
                        Showback::plus);
            } else {
                SharedCostApportioner.apportion(sharedCost, weights).forEach((service, part) -> {
                    String team = services.get(service).getTeam();
                    allocations.merge(team != null ? team : AllocationTopology.UNALLOCATED,
                            new Showback(Money.ZERO, part), Showback::plus);
                });
            }
        }
        return allocations;
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

    /** The allocations last emitted for the hour. */
    public SortedMap<String, Showback> emitted() {
        return emitted;
    }

    public void setEmitted(SortedMap<String, Showback> emitted) {
        this.emitted = new TreeMap<>(emitted);
    }

    public HourShowback toRecord() {
        List<TeamCost> directs = new ArrayList<>();
        direct.forEach((team, amount) -> directs.add(new TeamCost(team, amount)));
        List<TeamShowback> emittedRecords = new ArrayList<>();
        emitted.forEach((team, s) -> emittedRecords.add(new TeamShowback(team, s.direct(), s.shared())));
        return new HourShowback(directs, sharedCost, new ArrayList<>(services.values()), emittedRecords);
    }

    private ServiceUse service(String name) {
        return services.computeIfAbsent(name, n -> ServiceUse.newBuilder().setService(n).build());
    }
}
