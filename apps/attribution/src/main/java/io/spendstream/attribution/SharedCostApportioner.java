package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.spendstream.schemas.Money;

/**
 * Splits an amount into parts proportional to integer weights, exactly: the parts are multiples of 10^-12 (the
 * {@link Money#SCALE}) and always sum to the amount to the last digit.
 *
 * <p>Largest remainder (Hamilton) method on units of 10^-12: each part first gets {@code floor(units x weight /
 * total weight)}; the units left over (fewer than the number of parts) go one each to the parts with the largest
 * remainders of that division, ties to the alphabetically first name. So no part is ever more than one unit
 * (10^-12) away from its exact share, the split is the same whatever order the inputs came in, and a negative
 * amount (a credit) is split like its absolute value, with the sign put back. Pure arithmetic.
 */
public final class SharedCostApportioner {

    private SharedCostApportioner() {
    }

    /**
     * The parts of {@code amount}, by name, in proportion to {@code weights} (every weight positive, at least one).
     */
    public static SortedMap<String, BigDecimal> apportion(BigDecimal amount, Map<String, BigInteger> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("nothing to apportion to");
        }
        BigInteger units = Money.of(amount).unscaledValue();
        BigInteger magnitude = units.abs();
        BigInteger totalWeight = weights.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        record Share(String name, BigInteger base, BigInteger remainder) {
        }
        List<Share> shares = new ArrayList<>();
        BigInteger booked = BigInteger.ZERO;
        for (Map.Entry<String, BigInteger> weight : new TreeMap<>(weights).entrySet()) {
            if (weight.getValue().signum() <= 0) {
                throw new IllegalArgumentException("weight of " + weight.getKey() + " must be positive");
            }
            BigInteger[] division = magnitude.multiply(weight.getValue()).divideAndRemainder(totalWeight);
            shares.add(new Share(weight.getKey(), division[0], division[1]));
            booked = booked.add(division[0]);
        }
        int leftOver = magnitude.subtract(booked).intValueExact();
        List<Share> byRemainder = new ArrayList<>(shares);
        byRemainder.sort(Comparator.comparing(Share::remainder).reversed().thenComparing(Share::name));
        SortedMap<String, BigDecimal> parts = new TreeMap<>();
        for (int i = 0; i < byRemainder.size(); i++) {
            Share share = byRemainder.get(i);
            BigInteger part = i < leftOver ? share.base().add(BigInteger.ONE) : share.base();
            parts.put(share.name(), new BigDecimal(units.signum() < 0 ? part.negate() : part, Money.SCALE));
        }
        return parts;
    }
}
