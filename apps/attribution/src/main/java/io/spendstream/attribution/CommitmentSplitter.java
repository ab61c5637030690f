package io.spendstream.attribution;

import java.time.Duration;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import io.spendstream.attribution.avro.CommitmentInput;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.CostRecord;

/**
 * Turns the cost rows of {@link AttributionInputs} (key = service) that a commitment discount covered or left
 * unused into {@link CommitmentInput}s keyed by their CommitmentDiscountId, on their way to
 * {@link CommitmentProcessor}: a row with a {@code commitmentDiscountId} and a {@code commitmentDiscountStatus} of
 * {@value #USED} or {@value #UNUSED} (FOCUS values, compared ignoring case) is cut into its hours' parts
 * ({@link ChargePeriodSpreader}, exact: a daily row puts 1/24 in each hour, the last part takes the remainder). Other
 * rows, including the Purchase rows of a commitment (no status; FOCUS gives them EffectiveCost 0 and amortises their
 * cost into the Used and Unused rows), pass by. Each output's timestamp is its hour's start, so the processor's
 * stream time is in commitment hours. Keeps no state.
 */
final class CommitmentSplitter implements Processor<String, AttributedCost, String, CommitmentInput> {

    static final String USED = "Used";
    static final String UNUSED = "Unused";

    private final ChargePeriodSpreader spreader;
    private ProcessorContext<String, CommitmentInput> context;

    CommitmentSplitter(Duration maxSpread) {
        this.spreader = new ChargePeriodSpreader(new WindowGrid(ShowbackSplitter.HOUR, Duration.ZERO), maxSpread);
    }

    @Override
    public void init(ProcessorContext<String, CommitmentInput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, AttributedCost> record) {
        CostRecord row = record.value().getCost();
        String commitment = row.getCommitmentDiscountId();
        String status = row.getCommitmentDiscountStatus();
        if (commitment == null || commitment.isBlank() || status == null) {
            return;
        }
        boolean unused;
        if (status.equalsIgnoreCase(UNUSED)) {
            unused = true;
        } else if (status.equalsIgnoreCase(USED)) {
            unused = false;
        } else {
            return;
        }
        // What the commitment covered; an Unused row covers nothing (its ResourceId, if any, is the commitment's).
        String resource = unused ? null : row.getResourceId();
        String service = unused ? null : record.value().getAttribution().getService();
        for (ChargePeriodSpreader.Part part : spreader.spread(row.getEffectiveCost(), row.getChargePeriodStart(),
                row.getChargePeriodEnd())) {
            CommitmentInput input = CommitmentInput.newBuilder()
                    .setHourStart(part.windowStartMs())
                    .setAmount(part.amount())
                    .setUnused(unused)
                    .setResourceId(resource)
                    .setService(service)
                    .build();
            context.forward(new Record<>(commitment, input, part.windowStartMs(), record.headers()));
        }
    }
}
