package io.spendstream.ingest;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.spendstream.avro.CostRecord;
import io.spendstream.schemas.Money;

/**
 * Cuts a metered row whose charge period crosses an hour boundary into one row per UTC hour, so that each hour's
 * estimate can be superseded by the bill on its own. A row inside one hour is returned as it is.
 *
 * <p>Exact: each piece but the last carries {@code amount * overlap / period} at {@link Money#SCALE} decimal places
 * (half-even), the last one the amount minus the others, so the pieces of every amount (effective, billed, list,
 * original and the pricing quantity) sum back to the row to the last digit. The same rule as attribution's
 * ChargePeriodSpreader, so an hour's piece here is the hour's part there.
 *
 * <p>A piece's chargeId is the row's followed by {@code @} and its hour (ISO instant): deterministic, so a restated
 * metered row cuts into pieces with the same identities and revision as the row.
 */
final class HourPieces {

    static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private HourPieces() {
    }

    static long hourOf(long timestampMs) {
        return Math.floorDiv(timestampMs, HOUR_MS) * HOUR_MS;
    }

    static List<CostRecord> of(CostRecord row) {
        long startMs = row.getChargePeriodStart().toEpochMilli();
        long endMs = row.getChargePeriodEnd().toEpochMilli();
        long firstHour = hourOf(startMs);
        if (endMs <= firstHour + HOUR_MS) {
            return List.of(row);
        }
        BigDecimal length = BigDecimal.valueOf(endMs - startMs);
        List<CostRecord> pieces = new ArrayList<>();
        Amounts booked = Amounts.ZERO;
        for (long hour = firstHour; hour < endMs; hour += HOUR_MS) {
            Amounts piece;
            if (hour + HOUR_MS >= endMs) {
                piece = Amounts.of(row).minus(booked);
            } else {
                long overlap = Math.min(endMs, hour + HOUR_MS) - Math.max(startMs, hour);
                piece = Amounts.of(row).share(BigDecimal.valueOf(overlap), length);
            }
            booked = booked.plus(piece);
            Instant pieceStart = Instant.ofEpochMilli(Math.max(startMs, hour));
            Instant pieceEnd = Instant.ofEpochMilli(Math.min(endMs, hour + HOUR_MS));
            CostRecord copy = CostRecordCopy.of(row);
            piece.applyTo(copy);
            copy.setChargeId(row.getChargeId() + "@" + Instant.ofEpochMilli(hour));
            copy.setChargePeriodStart(pieceStart);
            copy.setChargePeriodEnd(pieceEnd);
            pieces.add(copy);
        }
        return pieces;
    }

    /** The amounts of a row that scale with its period; absent ones stay absent. */
    private record Amounts(BigDecimal effective, BigDecimal billed, BigDecimal list, BigDecimal original,
            BigDecimal quantity) {

        static final Amounts ZERO = new Amounts(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO);

        static Amounts of(CostRecord row) {
            return new Amounts(row.getEffectiveCost(), row.getBilledCost(), row.getListCost(),
                    row.getOriginalEffectiveCost(), row.getPricingQuantity());
        }

        Amounts share(BigDecimal part, BigDecimal whole) {
            return new Amounts(share(effective, part, whole), share(billed, part, whole), share(list, part, whole),
                    share(original, part, whole), share(quantity, part, whole));
        }

        Amounts minus(Amounts other) {
            return new Amounts(minus(effective, other.effective), minus(billed, other.billed),
                    minus(list, other.list), minus(original, other.original), minus(quantity, other.quantity));
        }

        Amounts plus(Amounts other) {
            return new Amounts(plus(effective, other.effective), plus(billed, other.billed), plus(list, other.list),
                    plus(original, other.original), plus(quantity, other.quantity));
        }

        void applyTo(CostRecord record) {
            record.setEffectiveCost(effective);
            record.setBilledCost(billed);
            record.setListCost(list);
            record.setOriginalEffectiveCost(original);
            record.setPricingQuantity(quantity);
        }

        private static BigDecimal share(BigDecimal amount, BigDecimal part, BigDecimal whole) {
            return amount == null ? null : amount.multiply(part).divide(whole, Money.SCALE, Money.ROUNDING);
        }

        private static BigDecimal minus(BigDecimal amount, BigDecimal booked) {
            return amount == null ? null : Money.of(amount.subtract(booked == null ? BigDecimal.ZERO : booked));
        }

        private static BigDecimal plus(BigDecimal a, BigDecimal b) {
            return a == null ? b : b == null ? a : a.add(b);
        }
    }
}
