package io.spendstream.deploy.chaos;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.spendstream.avro.ChildCost;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * A small estate as attribution writes it to {@code spend.unit-cost} (key service, one-minute windows, several
 * updates per window with the cost so far and each resource's and SKU's cost so far), laid out so that the anomaly
 * app's results do not depend on how fast or in which interleaving its partitions are read: two services on each
 * input partition ({@link #partition}), both of one team, so that a team's parts reach its scope task from one
 * upstream task only, in its input order; every service's updates in event-time order. (A team whose services are on
 * two partitions gets their parts in the order the two are read, which no run repeats: a team's OPEN on a partial
 * window reads whichever services' updates came first, and a restart, which reads a backlog, can put one service
 * many windows ahead of the other, which for data older than the settle horizon, as here, starts the team's
 * catch-up hold.) Three resources
 * per service (two SKUs); a spike of one resource, a drop of a whole service and a spike of another resource in a
 * service of another partition, after an hour of history.
 */
final class ContributorEstate {

    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MINUTES = 120;
    static final int UPDATES_PER_WINDOW = 4;
    /** The resource of {@link #spiking()} at ten times its cost in these minutes. */
    static final int SPIKE_FROM = 60;
    static final int SPIKE_TO = 70;
    /** {@link #dropping()} at 1% of its cost in these minutes. */
    static final int DROP_FROM = 75;
    static final int DROP_TO = 85;
    /** The resource of {@link #spikingLater()} at twenty times its cost in these minutes. */
    static final int LATER_SPIKE_FROM = 90;
    static final int LATER_SPIKE_TO = 100;

    private record Resource(String id, String sku, double perMinute) {
    }

    /** One update of a service's window, with its event time (the record's timestamp). */
    record Update(String service, UnitCost value, Instant timestamp) {
    }

    private final int partitions;
    private final List<String> services = new ArrayList<>();
    private final Map<String, List<Resource>> resources = new LinkedHashMap<>();

    /** Two services per partition of {@code spend.unit-cost}, which has {@code partitions}. */
    ContributorEstate(int partitions) {
        this.partitions = partitions;
        for (int s = 0; s < 2 * partitions; s++) {
            String service = "svc-" + s;
            services.add(service);
            double scale = 1 + 0.25 * s;
            resources.put(service, List.of(new Resource("i-" + service + "-01", "m6i.xlarge", 0.30 * scale),
                    new Resource("i-" + service + "-02", "m6i.xlarge", 0.20 * scale),
                    new Resource("db-" + service, "db.r6g.large", 0.50 * scale)));
        }
    }

    List<String> services() {
        return services;
    }

    /** The service whose database resource spikes first. */
    String spiking() {
        return services.get(0);
    }

    /** Its top contributor: the resource that spikes. */
    String spikingResource() {
        return "db-" + spiking();
    }

    /** The service (on another partition) that drops to 1%. */
    String dropping() {
        return services.get(3);
    }

    /** The service (on a third partition) whose second instance spikes later. */
    String spikingLater() {
        return services.get(5);
    }

    String spikingLaterResource() {
        return "i-" + spikingLater() + "-02";
    }

    /**
     * The partition of {@code spend.unit-cost} a service's updates go to: two services on each, in order. Chosen, not
     * hashed: the key's bytes are Confluent Avro (magic byte and schema id first), so where the default partitioner
     * puts a key depends on the registry's ids.
     */
    int partition(String service) {
        return services.indexOf(service) / 2 % partitions;
    }

    /** A service's team: one per input partition. */
    String team(String service) {
        return "team-" + partition(service);
    }

    /**
     * Every update of every minute, minute by minute: for each of its {@value #UPDATES_PER_WINDOW} updates, every
     * service's. The same list for the same seed.
     */
    List<List<Update>> minutes(long seed) {
        Random random = new Random(seed);
        List<List<Update>> minutes = new ArrayList<>(MINUTES);
        for (int m = 0; m < MINUTES; m++) {
            Map<String, Map<Resource, BigDecimal>> costs = new LinkedHashMap<>();
            for (String service : services) {
                Map<Resource, BigDecimal> perResource = new LinkedHashMap<>();
                for (Resource resource : resources.get(service)) {
                    double mean = resource.perMinute() * factor(service, resource, m);
                    perResource.put(resource, BigDecimal.valueOf(mean * (1 + 0.05 * random.nextGaussian()))
                            .setScale(4, RoundingMode.HALF_EVEN));
                }
                costs.put(service, perResource);
            }
            List<Update> updates = new ArrayList<>(UPDATES_PER_WINDOW * services.size());
            for (int k = 1; k <= UPDATES_PER_WINDOW; k++) {
                for (String service : services) {
                    updates.add(update(service, m, k, costs.get(service)));
                }
            }
            minutes.add(updates);
        }
        return minutes;
    }

    private double factor(String service, Resource resource, int minute) {
        if (resource.id().equals(spikingResource()) && minute >= SPIKE_FROM && minute < SPIKE_TO) {
            return 10;
        }
        if (service.equals(dropping()) && minute >= DROP_FROM && minute < DROP_TO) {
            return 0.01;
        }
        if (resource.id().equals(spikingLaterResource()) && minute >= LATER_SPIKE_FROM && minute < LATER_SPIKE_TO) {
            return 20;
        }
        return 1;
    }

    /**
     * Update {@code k} of a window: the cost so far, per resource and SKU too, and the requests so far, at an event
     * time evenly spaced in the window (the first at its start).
     */
    private Update update(String service, int minute, int k, Map<Resource, BigDecimal> costs) {
        Instant start = START.plus(WINDOW.multipliedBy(minute));
        List<ChildCost> children = new ArrayList<>();
        Map<String, BigDecimal> skus = new LinkedHashMap<>();
        BigDecimal total = Money.ZERO;
        for (Map.Entry<Resource, BigDecimal> cost : costs.entrySet()) {
            BigDecimal soFar = cost.getValue().multiply(BigDecimal.valueOf(k))
                    .divide(BigDecimal.valueOf(UPDATES_PER_WINDOW), Money.SCALE, RoundingMode.HALF_EVEN);
            children.add(child("resource", cost.getKey().id(), soFar));
            skus.merge(cost.getKey().sku(), soFar, Money::add);
            total = Money.add(total, soFar);
        }
        skus.forEach((sku, soFar) -> children.add(child("sku", sku, soFar)));
        long requests = 1_000L * k / UPDATES_PER_WINDOW;
        UnitCost value = UnitCost.newBuilder()
                .setService(service)
                .setWindowStart(start)
                .setWindowEnd(start.plus(WINDOW))
                .setWindowSize(WINDOW.toString())
                .setCurrency("USD")
                .setCost(Money.of(total))
                .setRequests(requests)
                .setErrors(0)
                .setRevenue(Money.ZERO)
                .setMargin(Money.of(total.negate()))
                .setCostRecords(k)
                .setApmRecords(k)
                .setTeam(team(service))
                .setChildren(children)
                .build();
        return new Update(service, value, start.plus(WINDOW.multipliedBy(k - 1).dividedBy(UPDATES_PER_WINDOW)));
    }

    private static ChildCost child(String kind, String name, BigDecimal cost) {
        return ChildCost.newBuilder().setKind(kind).setName(name).setCost(Money.of(cost)).build();
    }
}
