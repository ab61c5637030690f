package io.spendstream.ingest;

import java.math.BigDecimal;

import io.spendstream.avro.CostRecord;

/**
 * A charge ready for restatement matching: the full {@link CostRecord} in the reporting currency (revision 1, as if
 * seen for the first time), plus the row's BilledCost and ListCost as received, which CostRecord does not carry but
 * which {@link RestatementProcessor} compares to recognise an identical re-send whatever the FX rate does in between.
 * (EffectiveCost as received is {@link CostRecord#getOriginalEffectiveCost()}.) Crosses the charge-identity
 * repartition topic with {@link ValuedChargeSerde}, and comes out of it as a {@link CostLine} that keeps the bytes
 * its CostRecord was read from, which a new charge's line takes on to {@code spend.cost}.
 */
record ValuedCharge(CostLine line, BigDecimal originalBilledCost, BigDecimal originalListCost) {

    /** A charge valued here, before the repartition. */
    ValuedCharge(CostRecord cost, BigDecimal originalBilledCost, BigDecimal originalListCost) {
        this(CostLine.built(cost), originalBilledCost, originalListCost);
    }

    CostRecord cost() {
        return line.record();
    }
}
