package io.spendstream.attribution.value;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.spendstream.attribution.avro.ValueHour;
import io.spendstream.avro.Evidence;
import io.spendstream.avro.LatencySensitivity;
import io.spendstream.avro.MarginalCost;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.SloFigures;
import io.spendstream.schemas.Money;

/**
 * Turns a service's closing hour and the hours before it into the {@link ServiceValue} written to
 * {@code spend.value}. Pure functions; no state.
 *
 * <p>Money: every money figure is computed in BigDecimal ({@link WeightedSums#MC}, 34 significant digits) and written
 * at {@link Money#SCALE} half-even. The conversion-rate slope and the t-value are written as doubles: they are
 * statistics (a fraction per 100 ms, a ratio of two estimates), not money, and no money figure is derived from the
 * double. The 95% interval is estimate -/+ 1.96 standard errors: with the default 120 minutes at least, Student's t
 * at that many degrees of freedom is within 1% of 1.96.
 */
public final class ValueFigures {

    static final BigDecimal HUNDRED_MS = BigDecimal.valueOf(100);
    static final BigDecimal Z95 = new BigDecimal("1.96");
    private static final MathContext MC = WeightedSums.MC;
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final ValueSettings settings;
    private final String currency;
    private final BigDecimal samplesPerHour;

    public ValueFigures(ValueSettings settings, String currency, Duration sampleWindow) {
        this.settings = settings;
        this.currency = currency;
        this.samplesPerHour = BigDecimal.valueOf(HOUR_MS / sampleWindow.toMillis());
    }

    /** {@code hours}: the service's hours, oldest first, the last one {@code closing}. */
    public ServiceValue of(String service, List<ValueHour> hours, ValueHour closing) {
        BigDecimal cost = Money.of(closing.getCost());
        BigDecimal revenue = Money.of(closing.getRevenue());
        BigDecimal revenuePerRequest = Money.divide(revenue, closing.getRequests());
        WeightedSums latency = WeightedSums.fromRecord(closing.getLatency());
        BigDecimal meanLatency = latency.meanX();
        // A service that reports no revenue (an internal API) is never judged against it: zero revenue per request
        // there means "not measured", not "worthless".
        MarginalCost marginal = marginalCost(window(hours, closing, settings.marginalCostHours()),
                revenue.signum() > 0 ? revenuePerRequest : null);
        ValueSettings.Slo slo = settings.slo(service);
        return ServiceValue.newBuilder()
                .setService(service)
                .setHourStart(Instant.ofEpochMilli(closing.getHourStart()))
                .setHourEnd(Instant.ofEpochMilli(closing.getHourStart() + HOUR_MS))
                .setCurrency(currency)
                .setTeam(closing.getTeam())
                .setMinutes(closing.getMinutes())
                .setCost(cost)
                .setRequests(closing.getRequests())
                .setErrors(closing.getErrors())
                .setConversionCount(closing.getConversionCount())
                .setRevenue(revenue)
                .setRevenuePerRequest(revenuePerRequest)
                .setLatencyP95Ms(meanLatency == null ? null : meanLatency.doubleValue())
                .setSensitivity(sensitivity(window(hours, closing, settings.sensitivityHours()), closing))
                .setMarginalCost(marginal)
                .setSlo(slo.defined() ? slo(slo, closing, cost) : null)
                .build();
    }

    /** The hours of the trailing window of {@code length} hours ending with {@code closing}. */
    static List<ValueHour> window(List<ValueHour> hours, ValueHour closing, int length) {
        long from = closing.getHourStart() - (length - 1) * HOUR_MS;
        return hours.stream().filter(h -> h.getHourStart() >= from && h.getHourStart() <= closing.getHourStart())
                .toList();
    }

    private LatencySensitivity sensitivity(List<ValueHour> window, ValueHour closing) {
        WeightedSums sums = WeightedSums.EMPTY;
        WeightedSums before = WeightedSums.EMPTY;
        long conversions = 0;
        BigDecimal revenue = BigDecimal.ZERO;
        for (ValueHour hour : window) {
            WeightedSums part = WeightedSums.fromRecord(hour.getLatency());
            sums = sums.plus(part);
            if (hour.getHourStart() < closing.getHourStart()) {
                before = before.plus(part);
            }
            conversions += hour.getConversionCount();
            revenue = revenue.add(hour.getRevenue());
        }
        BigDecimal baseline = before.meanX();
        LatencySensitivity.Builder out = LatencySensitivity.newBuilder()
                .setEvidence(Evidence.NOT_ENOUGH_EVIDENCE)
                .setMinutes((int) sums.n())
                .setRequests(sums.w().longValue())
                .setWindowHours(settings.sensitivityHours())
                .setBaselineLatencyP95Ms(baseline == null ? null : baseline.doubleValue());
        if (sums.n() < settings.sensitivityMinMinutes()) {
            return out.setReason(sums.n() + " minutes with requests and a p95 in the last "
                    + settings.sensitivityHours() + "h; the fit needs " + settings.sensitivityMinMinutes()).build();
        }
        if (conversions == 0) {
            return out.setReason("no conversions in the last " + settings.sensitivityHours() + "h").build();
        }
        WeightedSums.Line line = sums.fit();
        if (line == null) {
            return out.setReason("p95 latency did not vary in the last " + settings.sensitivityHours()
                    + "h: no slope can be told").build();
        }
        double t = line.tValue();
        out.setConversionRatePer100Ms(line.slope().multiply(HUNDRED_MS, MC).doubleValue()).setTValue(t);
        if (Math.abs(t) < settings.minT()) {
            return out.setReason(String.format(Locale.ROOT,
                    "conversion rate does not move with latency beyond noise: slope %.2f standard errors from 0,"
                            + " needs %.1f", t, settings.minT())).build();
        }
        if (revenue.signum() == 0) {
            return out.setReason("conversions carry no revenue in the last " + settings.sensitivityHours() + "h")
                    .build();
        }
        BigDecimal revenuePerConversion = revenue.divide(BigDecimal.valueOf(conversions), MC);
        BigDecimal requestsPerHour = sums.w().multiply(samplesPerHour, MC).divide(BigDecimal.valueOf(sums.n()), MC);
        // Revenue per hour per unit of the slope (conversion rate per ms) x 100 ms.
        BigDecimal scale = requestsPerHour.multiply(revenuePerConversion, MC).multiply(HUNDRED_MS, MC);
        BigDecimal perHundredMs = line.slope().negate().multiply(scale, MC);
        BigDecimal standardError = line.slopeStandardError().multiply(scale, MC);
        out.setEvidence(Evidence.ESTIMATED)
                .setRevenuePerHourPer100Ms(Money.of(perHundredMs))
                .setStandardError(Money.of(standardError))
                .setLow95(Money.of(perHundredMs.subtract(Z95.multiply(standardError, MC), MC)))
                .setHigh95(Money.of(perHundredMs.add(Z95.multiply(standardError, MC), MC)));
        if (baseline != null) {
            WeightedSums hour = WeightedSums.fromRecord(closing.getLatency());
            // Σ requests x (p95 - baseline) over the hour's minutes, from the hour's sums.
            BigDecimal excessLatency = hour.wx().subtract(baseline.multiply(hour.w(), MC), MC);
            BigDecimal effect = line.slope().multiply(excessLatency, MC).multiply(revenuePerConversion, MC);
            out.setRevenueEffect(Money.of(effect))
                    .setRevenueEffectStandardError(Money.of(line.slopeStandardError().multiply(excessLatency.abs(), MC)
                            .multiply(revenuePerConversion, MC)));
        }
        return out.build();
    }

    /** {@code revenuePerRequest}: what the slope is compared with, null when the hour has no revenue. */
    private MarginalCost marginalCost(List<ValueHour> window, BigDecimal revenuePerRequest) {
        WeightedSums sums = WeightedSums.EMPTY;
        for (ValueHour hour : window) {
            sums = sums.plus(WeightedSums.fromRecord(hour.getScaling()));
        }
        MarginalCost.Builder out = MarginalCost.newBuilder()
                .setEvidence(Evidence.NOT_ENOUGH_EVIDENCE)
                .setMinutes((int) sums.n())
                .setWindowHours(settings.marginalCostHours());
        if (sums.n() < settings.marginalCostMinMinutes()) {
            return out.setReason(sums.n() + " minutes with both cost and requests in the last "
                    + settings.marginalCostHours() + "h; the slope needs " + settings.marginalCostMinMinutes()).build();
        }
        WeightedSums.Line line = sums.fit();
        if (line == null) {
            return out.setReason("requests did not vary in the last " + settings.marginalCostHours()
                    + "h: cost cannot be told apart from traffic").build();
        }
        BigDecimal perRequest = Money.of(line.slope());
        return out.setEvidence(Evidence.ESTIMATED)
                .setPerRequest(perRequest)
                .setStandardError(Money.of(line.slopeStandardError()))
                .setExceedsRevenuePerRequest(revenuePerRequest != null && perRequest.compareTo(revenuePerRequest) > 0)
                .build();
    }

    private static SloFigures slo(ValueSettings.Slo slo, ValueHour closing, BigDecimal cost) {
        long requests = closing.getRequests();
        long compliant = closing.getCompliantRequests();
        long bad = requests - compliant;
        BigDecimal budget = slo.target() == null ? null
                : Money.of(BigDecimal.ONE.subtract(slo.target()).multiply(BigDecimal.valueOf(requests)));
        return SloFigures.newBuilder()
                .setLatencyThresholdMs(slo.latencyMs())
                .setSuccessTarget(slo.target() == null ? null : Money.of(slo.target()))
                .setCompliantRequests(compliant)
                .setAttainment(requests == 0 ? null : (double) compliant / requests)
                .setCostPerCompliantRequest(Money.divide(cost, compliant))
                .setBadRequests(bad)
                .setErrorBudgetRequests(budget)
                .setErrorBudgetBurnt(budget == null || budget.signum() == 0 ? null
                        : Money.of(BigDecimal.valueOf(bad).divide(budget, MC)))
                .setErrorBudgetCost(requests == 0 ? Money.ZERO
                        : Money.of(cost.multiply(BigDecimal.valueOf(bad)).divide(BigDecimal.valueOf(requests), MC)))
                .build();
    }
}
