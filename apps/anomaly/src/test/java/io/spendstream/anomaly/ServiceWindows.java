package io.spendstream.anomaly;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;

import io.spendstream.avro.ChildCost;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.Money;

/**
 * Pipes one-minute {@code spend.unit-cost} windows with requests, cost per request and children (resources and
 * SKUs), the way attribution emits them: {@code updates} updates per window with the totals so far (cost, requests
 * and every child in proportion), the last one final, all stamped with the window's start as attribution does.
 */
public final class ServiceWindows {

    private final TestInputTopic<String, UnitCost> input;
    private final int updates;

    public ServiceWindows(TestInputTopic<String, UnitCost> input, int updates) {
        this.input = input;
        this.updates = updates;
    }

    /** The window's final resources (name -> cost); the service cost is their sum, its SKU is {@code sku}. */
    public void window(String service, Instant start, long requests, String sku, Map<String, BigDecimal> resources) {
        for (int k = 1; k <= updates; k++) {
            BigDecimal part = BigDecimal.valueOf(k).divide(BigDecimal.valueOf(updates), Money.SCALE,
                    RoundingMode.HALF_EVEN);
            Map<String, BigDecimal> soFar = new LinkedHashMap<>();
            resources.forEach((name, cost) -> soFar.put(name, Money.of(cost.multiply(part))));
            input.pipeInput(service, unitCost(service, start, requests * k / updates, sku, soFar), start);
        }
    }

    public static UnitCost unitCost(String service, Instant start, long requests, String sku,
            Map<String, BigDecimal> resources) {
        BigDecimal cost = resources.values().stream().reduce(Money.ZERO, Money::add);
        List<ChildCost> children = new ArrayList<>();
        resources.forEach((name, c) -> children.add(new ChildCost("resource", name, Money.of(c), false)));
        children.add(new ChildCost("sku", sku, Money.of(cost), false));
        UnitCost window = UnitCostFeed.unitCost(service, start, cost);
        window.setRequests(requests);
        window.setCostPerRequest(requests == 0 ? null
                : cost.divide(BigDecimal.valueOf(requests), Money.SCALE, RoundingMode.HALF_EVEN));
        window.setApmRecords(requests == 0 ? 0 : 1);
        window.setChildren(children);
        return window;
    }
}
