package io.spendstream.deploy.load;

import java.time.Clock;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.spendstream.ingest.FocusRowParser;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * Checks a FOCUS row with ingest's own {@link FocusRowParser} before it is sent, so that a row ingest would
 * dead-letter is reported by the loader with its line number. Two of ingest's checks depend on what the pipeline
 * knows, not on the row, and are left to it: the row's currency is checked for shape only (whether an FX rate for
 * it exists is for {@code spend.fx-rates} to say), and a metered row ({@code SkuPriceId} + {@code PricingQuantity},
 * no cost) passes, because ingest prices it from {@code spend.prices}.
 *
 * <p>The time rules use the time of loading as the record timestamp, which is what the producer stamps.
 */
final class FocusRowPreValidation {

    private static final String NO_CURRENCY = "XXX";

    private final Clock clock;
    // Ingest's parser keeps a row in its own currency (conversion happens later in the topology) and returns a
    // metered row unpriced, so one parser checks every row.
    private final FocusRowParser parser = new FocusRowParser();

    FocusRowPreValidation(Clock clock) {
        this.clock = clock;
    }

    /** @throws RowRejectedException with ingest's reason code and message when ingest would reject the row */
    void check(ObjectNode row, byte[] json) {
        String currency = LoadJson.text(row, "BillingCurrency");
        byte[] checked = json;
        if (currency == null) {
            if (!isMetered(row)) {
                throw new RowRejectedException(Ingest.MISSING_FIELD,
                        "BillingCurrency is missing (absent, null or empty); pass --currency CODE to fill it");
            }
            // A metered row's currency comes with its price; check the rest under ISO 4217's "no currency" code.
            ObjectNode copy = row.deepCopy();
            copy.put("BillingCurrency", NO_CURRENCY);
            checked = LoadJson.bytes(copy);
            currency = NO_CURRENCY;
        }
        if (!ReferenceField.isCurrencyCode(currency)) {
            throw new RowRejectedException(Ingest.INVALID_FIELD, "BillingCurrency '" + currency
                    + "' is not a three-letter ISO 4217 code");
        }
        try {
            parser.parse(checked, clock.millis());
        } catch (RejectedRecordException e) {
            throw new RowRejectedException(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            // A parser bug must not stop the load; ingest would dead-letter the row as processing-error too.
            throw new RowRejectedException("processing-error", e.toString());
        }
    }

    private static boolean isMetered(ObjectNode row) {
        return LoadJson.text(row, "SkuPriceId") != null && LoadJson.text(row, "PricingQuantity") != null;
    }
}
