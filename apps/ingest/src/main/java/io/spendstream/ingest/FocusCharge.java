package io.spendstream.ingest;

import java.math.BigDecimal;
import java.util.List;

import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.schemas.DeadLetterReasons.Ingest;

/**
 * The FOCUS rules that decide how much money a row moves, checked before the row is counted. The cost that counts is
 * {@code EffectiveCost} (amortised); these checks reject the rows that would make it count wrong:
 * <ul>
 *   <li>{@code ChargeCategory} is one of {@link #CATEGORIES} (any case; written back in FOCUS's spelling), or
 *       absent (metered usage and hand-made rows: treated as Usage); anything else is
 *       {@value Ingest#INVALID_CHARGE_CATEGORY}.</li>
 *   <li>{@code ChargeClass} is absent or {@value #CORRECTION}; anything else is
 *       {@value Ingest#INVALID_CHARGE_CLASS}.</li>
 *   <li>A <b>Purchase</b> row, or any row of a commitment discount ({@code CommitmentDiscountId}), must carry
 *       {@code EffectiveCost}: its BilledCost is the payment (a Purchase) or the covered usage at zero (a Usage row),
 *       whereas the amortised share is only in EffectiveCost. Falling back to BilledCost there would count a
 *       commitment twice (once on the Purchase, once amortised on the Usage rows) or not at all:
 *       {@value Ingest#MISSING_EFFECTIVE_COST}.</li>
 *   <li>A Purchase of a commitment discount covers future usage, so FOCUS requires its EffectiveCost to be 0 (the
 *       money arrives amortised on the Usage rows it covers); a non-zero one would be counted twice:
 *       {@value Ingest#UNAMORTISED_PURCHASE}. Corrections are exempt.</li>
 *   <li>A <b>Credit</b> reduces spend: its EffectiveCost (FOCUS: equal to its BilledCost) is at most zero, except on
 *       a correction (taking a credit back); a positive one is {@value Ingest#POSITIVE_CREDIT}.</li>
 * </ul>
 * Tax and Adjustment rows count as they are, of either sign. A {@value #CORRECTION} row is a delta of its own against
 * an earlier billing period ({@link ChargeIdentity} gives it an identity apart from the row it corrects).
 */
final class FocusCharge {

    static final String USAGE = "Usage";
    static final String PURCHASE = "Purchase";
    static final String TAX = "Tax";
    static final String CREDIT = "Credit";
    static final String ADJUSTMENT = "Adjustment";

    /** FOCUS's allowed ChargeCategory values (1.0 to 1.3). */
    static final List<String> CATEGORIES = List.of(USAGE, PURCHASE, TAX, CREDIT, ADJUSTMENT);

    /** The only non-null ChargeClass FOCUS allows. */
    static final String CORRECTION = "Correction";

    private FocusCharge() {
    }

    /** ChargeCategory in FOCUS's spelling, or null when absent. */
    static String category(FocusRow row) {
        String text = row.text("ChargeCategory");
        if (text == null) {
            return null;
        }
        for (String category : CATEGORIES) {
            if (category.equalsIgnoreCase(text)) {
                return category;
            }
        }
        throw new RejectedRecordException(Ingest.INVALID_CHARGE_CATEGORY, "ChargeCategory "
                + JsonText.quote(text) + " is not one of " + String.join(", ", CATEGORIES));
    }

    /** ChargeClass in FOCUS's spelling ({@value #CORRECTION}), or null when absent. */
    static String chargeClass(FocusRow row) {
        String text = row.text("ChargeClass");
        if (text == null) {
            return null;
        }
        if (!CORRECTION.equalsIgnoreCase(text)) {
            throw new RejectedRecordException(Ingest.INVALID_CHARGE_CLASS, "ChargeClass " + JsonText.quote(text)
                    + " is neither null nor " + CORRECTION);
        }
        return CORRECTION;
    }

    static boolean isCorrection(FocusRow row) {
        return CORRECTION.equalsIgnoreCase(row.text("ChargeClass"));
    }

    /**
     * Checks a billed row's cost against its category: {@code effectiveCost} as received (may be null) and
     * {@code cost}, the amount that counts (EffectiveCost, else BilledCost, which is only allowed where no
     * amortisation is involved).
     */
    static void checkCost(FocusRow row, String category, String chargeClass, BigDecimal effectiveCost,
            BigDecimal cost) {
        boolean correction = CORRECTION.equals(chargeClass);
        String commitment = row.text("CommitmentDiscountId");
        if (effectiveCost == null && (PURCHASE.equals(category) || commitment != null)) {
            throw new RejectedRecordException(Ingest.MISSING_EFFECTIVE_COST, "EffectiveCost is missing on a "
                    + (PURCHASE.equals(category) ? "Purchase row" : "row of CommitmentDiscountId "
                            + JsonText.quote(commitment))
                    + "; its BilledCost is not the amortised cost, so counting it would count the commitment twice"
                    + " or not at all");
        }
        if (correction) {
            return;
        }
        if (PURCHASE.equals(category) && commitment != null && effectiveCost.signum() != 0) {
            throw new RejectedRecordException(Ingest.UNAMORTISED_PURCHASE, "EffectiveCost "
                    + plain(effectiveCost) + " on the Purchase of CommitmentDiscountId " + JsonText.quote(commitment)
                    + " is not 0; FOCUS amortises a commitment over the Usage rows it covers, so a non-zero purchase"
                    + " would be counted twice");
        }
        if (CREDIT.equals(category) && cost.signum() > 0) {
            throw new RejectedRecordException(Ingest.POSITIVE_CREDIT, (effectiveCost != null ? "EffectiveCost "
                    : "BilledCost ") + plain(cost) + " on a Credit row is positive; a credit reduces spend (only a Correction may take one back)");
        }
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }
}
