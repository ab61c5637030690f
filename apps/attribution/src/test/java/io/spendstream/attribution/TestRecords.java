package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.Attribution;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.Money;

/** Input records as enrich and ingest write them, with only what a test cares about spelled out. */
final class TestRecords {

    private static final AtomicLong CHARGE_IDS = new AtomicLong();

    private TestRecords() {
    }

    static AttributedCost cost(String service, String amount, Instant start, Duration period) {
        BigDecimal effective = Money.of(amount);
        CostRecord cost = CostRecord.newBuilder()
                .setChargeId("charge-" + CHARGE_IDS.incrementAndGet())
                .setChargePeriodStart(start)
                .setChargePeriodEnd(start.plus(period))
                .setEffectiveCost(effective)
                .setCurrency("USD")
                .setOriginalEffectiveCost(effective)
                .setOriginalCurrency("USD")
                .build();
        Attribution attribution = Attribution.newBuilder()
                .setService(service)
                .setAllocated(true)
                .setSource("tag-table")
                .build();
        return AttributedCost.newBuilder().setCost(cost).setAttribution(attribution).build();
    }

    /** A cost row of {@code service} owned by {@code team} and {@code product} (either may be null). */
    static AttributedCost cost(String service, String team, String product, String amount, Instant start,
            Duration period) {
        AttributedCost cost = cost(service, amount, start, period);
        cost.getAttribution().setTeam(team);
        cost.getAttribution().setProduct(product);
        return cost;
    }

    /** A cost row no owner could be found for. */
    static AttributedCost unallocated(String reason, String amount, Instant start, Duration period) {
        AttributedCost cost = cost(null, amount, start, period);
        cost.getAttribution().setAllocated(false);
        cost.getAttribution().setUnallocatedReason(reason);
        cost.getAttribution().setSource("none");
        return cost;
    }

    /**
     * A cost row of a resource tagged {@code "shared": true}, as enrich marks it: owned by {@code team}, its own
     * {@code service} or none (then its key is {@code unallocated}).
     */
    static AttributedCost shared(String service, String team, String amount, Instant start, Duration period) {
        AttributedCost cost = cost(service, team, null, amount, start, period);
        cost.getAttribution().setShared(true);
        return cost;
    }

    static ApmRecord apm(String service, Instant start, long requests, long errors) {
        return ApmRecord.newBuilder()
                .setService(service)
                .setWindowStart(start)
                .setWindowEnd(start.plusSeconds(10))
                .setRequests(requests)
                .setErrors(errors)
                .build();
    }
}
