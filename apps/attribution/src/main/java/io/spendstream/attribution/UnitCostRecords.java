package io.spendstream.attribution;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

import io.spendstream.attribution.avro.UnitCostTally;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * Turns a window's {@link UnitCostTally} into the {@link UnitCost} written to {@code spend.unit-cost}. Every ratio
 * is {@link Money#divide} (scale 12, half-even) and null when its divisor is zero, so "no requests" never reads as
 * "free". The window's children are its {@link WindowChildren#top} costliest resources and SKUs plus a remainder.
 */
public final class UnitCostRecords {

    private final Duration windowSize;
    private final String currency;
    private final int topChildren;

    public UnitCostRecords(Duration windowSize, String currency, int topChildren) {
        this.windowSize = windowSize;
        this.currency = currency;
        this.topChildren = topChildren;
    }

    public UnitCost toUnitCost(String service, long windowStartMs, UnitCostTally tally) {
        BigDecimal cost = Money.of(tally.getCost());
        BigDecimal revenue = Money.of(tally.getRevenue());
        long requests = tally.getRequests();
        // More errors than requests is bad upstream data; it must not produce a negative cost per success.
        long successful = Math.max(0, requests - tally.getErrors());
        return UnitCost.newBuilder()
                .setService(service)
                .setWindowStart(Instant.ofEpochMilli(windowStartMs))
                .setWindowEnd(Instant.ofEpochMilli(windowStartMs + windowSize.toMillis()))
                .setWindowSize(windowSize.toString())
                .setCurrency(currency)
                .setCost(cost)
                .setRequests(requests)
                .setErrors(tally.getErrors())
                .setCostPerRequest(Money.divide(cost, requests))
                .setCostPerSuccessfulRequest(Money.divide(cost, successful))
                .setLatencyP95Ms(tally.getLatencyP95Weight() == 0 ? null
                        : tally.getLatencyP95WeightedSum() / tally.getLatencyP95Weight())
                .setConversionCount(tally.getConversionCount())
                .setRevenue(revenue)
                .setCostPerConversion(Money.divide(cost, tally.getConversionCount()))
                .setRevenuePerRequest(Money.divide(revenue, requests))
                .setMargin(Money.of(revenue.subtract(cost)))
                .setCostRecords(tally.getCostRecords())
                .setApmRecords(tally.getApmRecords())
                .setTeam(tally.getTeam())
                .setCoveredUntil(instant(tally.getCoveredUntil()))
                .setRequestsCoveredUntil(instant(tally.getRequestsCoveredUntil()))
                .setChildren(WindowChildren.top(tally.getChildren(), cost, topChildren))
                .build();
    }

    private static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }
}
