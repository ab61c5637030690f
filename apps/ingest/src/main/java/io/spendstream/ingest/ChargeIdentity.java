package io.spendstream.ingest;

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

    private ChargeIdentity() {
    }

    /** The identity of {@code row}, whose charge period has already been parsed to {@code start}/{@code end}. */
    public static String of(FocusRow row, Instant start, Instant end) {
        String lineItemId = row.text(LINE_ITEM_ID);
        if (lineItemId != null) {
            return lineItemId;
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
        return sha256Hex(canonical.toString());
    }

    private static void append(StringBuilder canonical, String column, String value) {
        canonical.append(column);
        if (value == null) {
            canonical.append("!;");
        } else {
            canonical.append(':').append(value.length()).append(':').append(value).append(';');
        }
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
