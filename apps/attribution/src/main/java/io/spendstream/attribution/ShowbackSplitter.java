package io.spendstream.attribution;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.attribution.avro.ShowbackInputKind;
import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.schemas.Money;

/**
 * Turns the arrivals of {@link AttributionInputs} (key = service) into {@link ShowbackInput}s keyed by the
 * start of their UTC calendar month, on their way to {@link ShowbackProcessor}: a cost row is cut into its hours' parts
 * ({@link ChargePeriodSpreader}: exact, a daily row puts 1/24 in each hour), each a {@code SHARED} part when the
 * row's resource is shared infrastructure (naming the apportionment override that applies to it, if any:
 * {@link SharedCostRules}) and a {@code DIRECT} part of its team and product otherwise; an APM summary gives its
 * requests to the hour of its {@code windowStart} (whole, like unit cost). Each output's timestamp is its hour's
 * start, so the processor's stream time is in showback hours. Keeps no state.
 */
public final class ShowbackSplitter implements Processor<String, Arrival, Long, ShowbackInput> {

    static final Duration HOUR = Duration.ofHours(1);
    static final Duration DAY = Duration.ofDays(1);

    private static final WindowGrid HOURS = new WindowGrid(HOUR, Duration.ZERO);
    private static final WindowGrid DAYS = new WindowGrid(DAY, Duration.ZERO);

    /** Start of the UTC day of an instant (epoch ms). */
    static long dayOf(long epochMs) {
        return DAYS.startOf(epochMs);
    }

    /** Start of the UTC calendar month of an instant (epoch ms): the key the showback repartition uses. */
    static long monthOf(long epochMs) {
        return YearMonth.from(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC)).atDay(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** Start of the UTC calendar month after the one starting at {@code monthStartMs}. */
    static long monthAfter(long monthStartMs) {
        return Instant.ofEpochMilli(monthStartMs).atOffset(ZoneOffset.UTC).plusMonths(1).toInstant().toEpochMilli();
    }

    private final ChargePeriodSpreader spreader;
    private final SharedCostRules rules;
    private ProcessorContext<Long, ShowbackInput> context;

    ShowbackSplitter(Duration maxSpread, SharedCostRules rules) {
        this.spreader = new ChargePeriodSpreader(HOURS, maxSpread);
        this.rules = rules;
    }

    @Override
    public void init(ProcessorContext<Long, ShowbackInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Arrival> record) {
        if (record.value() instanceof Arrival.Cost cost) {
            split(record, cost.value());
        } else if (record.value() instanceof Arrival.Apm apm) {
            ApmRecord summary = apm.value();
            long hour = HOURS.startOf(summary.getWindowStart().toEpochMilli());
            forward(record, ShowbackInput.newBuilder().setKind(ShowbackInputKind.REQUESTS).setHourStart(hour)
                    .setService(summary.getService()).setTeam("").setAmount(Money.ZERO)
                    .setRequests(summary.getRequests()).build());
        }
    }

    private void split(Record<String, Arrival> record, AttributedCost cost) {
        Attribution attribution = cost.getAttribution();
        String team = AllocationTopology.teamOf(attribution);
        String product = AllocationTopology.productOf(attribution);
        boolean shared = attribution.getShared();
        var row = cost.getCost();
        String rule = shared ? rules.ruleFor(row.getResourceId(), attribution.getService()) : null;
        for (ChargePeriodSpreader.Part part : spreader.spread(row.getEffectiveCost(), row.getChargePeriodStart(),
                row.getChargePeriodEnd())) {
            ShowbackInput.Builder input = ShowbackInput.newBuilder().setHourStart(part.windowStartMs())
                    .setAmount(part.amount());
            if (shared) {
                input.setKind(ShowbackInputKind.SHARED).setTeam("").setSharedRule(rule);
            } else {
                input.setKind(ShowbackInputKind.DIRECT).setTeam(team).setService(attribution.getService())
                        .setOwnsTeam(!team.equals(AllocationTopology.UNALLOCATED))
                        .setProduct(product)
                        .setOwnsProduct(!product.equals(AllocationTopology.UNALLOCATED));
            }
            forward(record, input.build());
        }
    }

    private void forward(Record<String, Arrival> record, ShowbackInput input) {
        long hour = input.getHourStart();
        // Keyed by month: the task that books an hour also sums its day and its calendar month.
        context.forward(new Record<>(monthOf(hour), input, hour, record.headers()));
    }
}
