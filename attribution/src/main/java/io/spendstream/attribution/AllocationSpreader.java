package io.spendstream.attribution;

import java.math.BigDecimal;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import io.spendstream.avro.AttributedCost;

/**
 * Cuts a cost row into its shares of the showback windows of one size ({@link ChargePeriodSpreader}: exact, a daily
 * row puts 1/24 in each hour), each forwarded with its window's start as timestamp, which places it in that window
 * downstream. Keeps no state.
 */
public final class AllocationSpreader implements FixedKeyProcessor<String, AttributedCost, BigDecimal> {

    private final ChargePeriodSpreader spreader;
    private FixedKeyProcessorContext<String, BigDecimal> context;

    AllocationSpreader(ChargePeriodSpreader spreader) {
        this.spreader = spreader;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, BigDecimal> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, AttributedCost> record) {
        var row = record.value().getCost();
        for (ChargePeriodSpreader.Part part : spreader.spread(row.getEffectiveCost(), row.getChargePeriodStart(),
                row.getChargePeriodEnd())) {
            context.forward(record.withValue(part.amount()).withTimestamp(part.windowStartMs()));
        }
    }
}
