package io.spendstream.attribution;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

import io.spendstream.attribution.avro.ShowbackInput;
import io.spendstream.attribution.avro.ShowbackInputKind;
import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.Attribution;
import io.spendstream.runtime.state.CoalescingBuffer;
import io.spendstream.schemas.Money;

/**
 * Turns the arrivals of {@link AttributionInputs} (key = service) into {@link ShowbackInput}s keyed by the
 * start of their UTC calendar month, on their way to {@link ShowbackProcessor}: a cost row is cut into its hours' parts
 * ({@link ChargePeriodSpreader}: exact, a daily row puts 1/24 in each hour), each a {@code SHARED} part when the
 * row's resource is shared infrastructure (naming the apportionment override that applies to it, if any:
 * {@link SharedCostRules}) and a {@code DIRECT} part of its team and product otherwise; an APM summary gives its
 * requests to the hour of its {@code windowStart} (whole, like unit cost). Each output's timestamp is its hour's
 * start, so the processor's stream time is in showback hours.
 *
 * <p>The inputs of a commit are summed per hour and everything else they carry (kind, service, team, product, whether
 * they name the owners, shared rule: what {@link ShowbackHour} tells apart) in {@value #PENDING} (a
 * {@link CoalescingBuffer}, no changelog) and handed to the repartition just before the commit, in the order their
 * sums last changed (issue 18: each part was a repartition record). The hour books the sums as it booked the parts:
 * the same amounts and requests to the digit, and, a service's owners being those of its latest input that names
 * them, the same owners (the sum holding a service's latest such input is handed out after every other sum of it that
 * names the same owner kind).
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

    static final String PENDING = "allocation-pending";
    /** Sums pending per task before they are all handed out early: about one per service and hour of a commit. */
    static final int PENDING_CAPACITY = 50_000;

    /** What a showback input is summed by: everything {@link ShowbackHour} tells apart but the amount and requests. */
    private record Part(ShowbackInputKind kind, long hourStart, String service, String team, String product,
            boolean ownsTeam, boolean ownsProduct, String sharedRule) {

        static Part of(ShowbackInput input) {
            return new Part(input.getKind(), input.getHourStart(), input.getService(), input.getTeam(),
                    input.getProduct(), input.getOwnsTeam(), input.getOwnsProduct(), input.getSharedRule());
        }
    }

    private final ChargePeriodSpreader spreader;
    private final SharedCostRules rules;
    private CoalescingBuffer<Part, ShowbackInput> pending;

    ShowbackSplitter(Duration maxSpread, SharedCostRules rules) {
        this.spreader = new ChargePeriodSpreader(HOURS, maxSpread);
        this.rules = rules;
    }

    static ProcessorSupplier<String, Arrival, Long, ShowbackInput> supplier(Duration maxSpread, SharedCostRules rules) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Arrival, Long, ShowbackInput> get() {
                return new ShowbackSplitter(maxSpread, rules);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(CoalescingBuffer.<Part, ShowbackInput>builder(PENDING, ShowbackSplitter::addInput,
                        PENDING_CAPACITY));
            }
        };
    }

    /** The sum of two inputs of the same {@link Part} (the first changed and returned). */
    private static ShowbackInput addInput(ShowbackInput sum, ShowbackInput input) {
        sum.setAmount(Money.add(sum.getAmount(), input.getAmount()));
        sum.setRequests(sum.getRequests() + input.getRequests());
        return sum;
    }

    @Override
    public void init(ProcessorContext<Long, ShowbackInput> context) {
        pending = CoalescingBuffer.find(context.getStateStore(PENDING));
        NodeForwarder<Long, ShowbackInput> forwarder = new NodeForwarder<>(context);
        // Keyed by month: the task that books an hour also sums its day and its calendar month. Headers: those of
        // the record that last changed the sum.
        pending.setDrain((part, sum) -> forwarder.forward(new Record<>(monthOf(part.hourStart()), sum,
                part.hourStart(), forwarder.headers())));
    }

    @Override
    public void process(Record<String, Arrival> record) {
        if (record.value() instanceof Arrival.Cost cost) {
            // Every part made before any is added: a row counts in all its hours or, if it fails, in none.
            split(cost.value()).forEach(input -> pending.add(Part.of(input), input));
        } else if (record.value() instanceof Arrival.Apm apm) {
            ApmRecord summary = apm.value();
            long hour = HOURS.startOf(summary.getWindowStart().toEpochMilli());
            ShowbackInput input = ShowbackInput.newBuilder().setKind(ShowbackInputKind.REQUESTS).setHourStart(hour)
                    .setService(summary.getService()).setTeam("").setAmount(Money.ZERO)
                    .setRequests(summary.getRequests()).build();
            pending.add(Part.of(input), input);
        }
    }

    private List<ShowbackInput> split(AttributedCost cost) {
        Attribution attribution = cost.getAttribution();
        String team = AllocationTopology.teamOf(attribution);
        String product = AllocationTopology.productOf(attribution);
        boolean shared = attribution.getShared();
        var row = cost.getCost();
        String rule = shared ? rules.ruleFor(row.getResourceId(), attribution.getService()) : null;
        return spreader.spread(row.getEffectiveCost(), row.getChargePeriodStart(), row.getChargePeriodEnd()).stream()
                .map(part -> {
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
                    return input.build();
                })
                .toList();
    }
}
