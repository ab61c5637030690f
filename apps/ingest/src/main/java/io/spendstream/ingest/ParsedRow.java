package io.spendstream.ingest;

import io.spendstream.avro.CostRecord;

/**
 * A FOCUS row just parsed ({@link FocusRowParser}, row's own currency, maybe unpriced) together with its raw bytes,
 * so that a later check in the same sub-topology ({@link ChargeValuation}: price, FX rate) can still dead-letter the
 * exact record received. Lives between two processors only; never serialized.
 */
record ParsedRow(CostRecord record, byte[] rawValue) {
}
