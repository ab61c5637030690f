package io.spendstream.enrich;

import io.spendstream.avro.Attribution;
import io.spendstream.schemas.serde.ForwardedRecord;

/**
 * A cost line with its owner, on its way to {@code spend.cost.attributed}: the line still as the bytes ingest wrote,
 * with the fields enrich read, and the owner enrich found.
 *
 * @param cost the {@code spend.cost} record as read
 * @param attribution its owner
 */
public record AttributedLine(ForwardedRecord<CostLineFields> cost, Attribution attribution) {
}
