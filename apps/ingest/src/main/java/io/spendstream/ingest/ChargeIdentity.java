package io.spendstream.ingest;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The identity of a charge: the key of {@code spend.cost}, and what a later restatement of the same charge is
 * recognised by.
 *
 * <p>{@code x_LineItemId}, when the provider gives one, is the identity as is. Otherwise it is the SHA-256 (64
 * lower-case hex digits) of the {@link #IDENTIFYING_COLUMNS}, in that order, plus {@code Id} when the row has one.
 * Values are normalised first, so that the same charge written by different exporters hashes the same:
 * <ul>
 *   <li>ChargePeriodStart/End as UTC instants in ISO form ({@code 2024-09-18 22:00:00}, {@code 2024-09-18T22:00:00Z}
 *       and {@code 2024-09-19T00:00:00+02:00} are one value);</li>
 *   <li>other columns as trimmed text; JSON numbers as their exact plain decimal text (so {@code 51738928782} and
 *       {@code "51738928782"} agree); absent, null, empty and {@code NULL} are one "absent" value.</li>
 * </ul>
 * Each column is encoded as {@code name:length:value;} (absent: {@code name!;}) before hashing, so no two different
 * rows can produce the same input by moving text across column boundaries. Changing this encoding or the column list
 * changes every identity, which breaks restatement matching for charges already seen: treat both as a contract.
 *
 * <p>Two kinds of row get more in their identity, appended only when they are of that kind, so that the identity of
 * every other row is unchanged:
 * <ul>
 *   <li><b>Provider-split rows</b> (FOCUS 1.3 split cost allocation, any of {@link #ALLOCATION_COLUMNS} present): the
 *       allocated charges of one origin charge share all the columns above and differ only in what they were
 *       allocated to, so {@link #ALLOCATION_COLUMNS} (AllocatedTags as one {@code AllocatedTags.key} entry per tag,
 *       sorted by key) are hashed after the others. Without them each allocated charge would restate the previous
 *       one and only the last would count.</li>
 *   <li><b>Corrections</b> ({@code ChargeClass} Correction): a correction is its own delta against an earlier billing
 *       period, never a new version of the row it corrects nor of another correction. Its identity adds
 *       {@link #CORRECTION_COLUMNS} (the billing period it was issued in and its invoice) and its direction
 *       ({@code debit} when its cost, else its PricingQuantity, is zero or more; {@code credit} when negative), so a
 *       ledger-style reversal and the corrected charge after it are two charges. With an {@code x_LineItemId} the
 *       identity is {@code <x_LineItemId>#correction@<BillingPeriodStart>:<direction>}, so a correction that reuses
 *       the corrected line's id still does not replace it. A correction re-sent in the same billing period with the
 *       same direction is the same correction (a duplicate, or a restatement of the correction).</li>
 * </ul>
 */
public final class ChargeIdentity {

    /** The provider's own line-item id, used as the identity when present. */
    public static final String LINE_ITEM_ID = "x_LineItemId";

    /** Hashed in this order when there is no {@link #LINE_ITEM_ID}. */
    public static final List<String> IDENTIFYING_COLUMNS = List.of("BillingAccountId", "SubAccountId",
            "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory", "ChargeClass", "ResourceId", "SkuId", "SkuPriceId",
            "ServiceName", "RegionId", "ChargeDescription", "CommitmentDiscountId", "PricingCategory");

    /** A provider row id (the FOCUS 1.0 sample's {@code Id}), hashed after the others when present. */
    public static final String ROW_ID = "Id";

    /** FOCUS 1.3 split cost allocation: hashed after the others when any is present. */
    public static final List<String> ALLOCATION_COLUMNS = List.of("AllocatedMethodId", "AllocatedResourceId",
            "AllocatedResourceName", "AllocatedTags");

    /** Hashed (with the direction) after the others on a correction. */
    public static final List<String> CORRECTION_COLUMNS = List.of("BillingPeriodStart", "InvoiceId");

    private static final String DIRECTION = "Direction";

    private ChargeIdentity() {
    }

    /** The identity of {@code row}, whose charge period has already been parsed to {@code start}/{@code end}. */
    public static String of(FocusRow row, Instant start, Instant end) {
        boolean correction = FocusCharge.isCorrection(row);
        String lineItemId = row.text(LINE_ITEM_ID);
        if (lineItemId != null) {
            return correction ? lineItemId + "#correction@" + billingPeriodStart(row) + ":" + direction(row)
                    : lineItemId;
        }
        StringBuilder canonical = new StringBuilder(512);
        for (String column : IDENTIFYING_COLUMNS) {
            String value = switch (column) {
                case "ChargePeriodStart" -> start.toString();
                case "ChargePeriodEnd" -> end.toString();
                default -> row.text(column);
            };
            append(canonical, column, value);
        }
        String rowId = row.text(ROW_ID);
        if (rowId != null) {
            append(canonical, ROW_ID, rowId);
        }
        if (isProviderSplit(row)) {
            append(canonical, "AllocatedMethodId", row.text("AllocatedMethodId"));
            append(canonical, "AllocatedResourceId", row.text("AllocatedResourceId"));
            append(canonical, "AllocatedResourceName", row.text("AllocatedResourceName"));
            row.keyValues("AllocatedTags").forEach((key, value) -> append(canonical, "AllocatedTags." + key, value));
        }
        if (correction) {
            append(canonical, "BillingPeriodStart", billingPeriodStart(row));
            append(canonical, "InvoiceId", row.text("InvoiceId"));
            append(canonical, DIRECTION, direction(row));
        }
        return sha256Hex(canonical.toString());
    }

    /** True when the provider already split the charge (FOCUS 1.3): any Allocated* column is present. */
    public static boolean isProviderSplit(FocusRow row) {
        return ALLOCATION_COLUMNS.stream().anyMatch(column -> row.value(column) != null)
                || row.value("AllocatedMethodDetails") != null;
    }

    /** BillingPeriodStart as a UTC instant in ISO form, or null when absent. */
    private static String billingPeriodStart(FocusRow row) {
        String text = row.text("BillingPeriodStart");
        return text == null ? null : FocusTimestamps.parse("BillingPeriodStart", text).toString();
    }

    /** {@code credit} when the correction takes money (or, metered, quantity) back; {@code debit} otherwise. */
    private static String direction(FocusRow row) {
        BigDecimal amount = row.amount("EffectiveCost");
        if (amount == null) {
            amount = row.amount("BilledCost");
        }
        if (amount == null) {
            amount = row.quantity("PricingQuantity");
        }
        return amount != null && amount.signum() < 0 ? "credit" : "debit";
    }

    private static void append(StringBuilder canonical, String column, String value) {
        canonical.append(column);
        if (value == null) {
            canonical.append("!;");
        } else {
            canonical.append(':').append(value.length()).append(':').append(value).append(';');
        }
    }

    static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
