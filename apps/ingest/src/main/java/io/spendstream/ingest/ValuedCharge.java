package io.spendstream.ingest;

import java.math.BigDecimal;

import io.spendstream.avro.CostRecord;

/**
 * A charge ready for restatement matching: the full {@link CostRecord} in the reporting currency (revision 1, as if
 * seen for the first time), plus the row's BilledCost and ListCost as received, which CostRecord does not carry but
 * which {@link RestatementProcessor} compares to recognise an identical re-send whatever the FX rate does in between.
 * (EffectiveCost as received is {@link CostRecord#getOriginalEffectiveCost()}.) Crosses the charge-identity
 * repartition topic with {@link ValuedChargeSerde}.
 */
record ValuedCharge(CostRecord cost, BigDecimal originalBilledCost, BigDecimal originalListCost) {
}
