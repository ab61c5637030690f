package io.spendstream.anomaly.value;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.spendstream.anomaly.avro.ValueAnomalyStateRecord;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.Severity;
import io.spendstream.schemas.Money;

/**
 * The {@link Anomaly} events of the value rules (severity TICKET: money to look at, not a fire). {@code observed} /
 * {@code expected}: for UNPROFITABLE_SCALING the marginal cost per request and the revenue per request; for
 * LATENCY_REVENUE_LOSS the hour's revenue lost to latency and zero. {@code excessCost}: the sum over the streak of
 * each hour's excess (requests x (marginal cost - revenue) per request; revenue lost), {@code excessCostPerHour} the
 * latest hour's. A RESOLVED event carries the figures of the streak it ends.
 */
final class ValueAnomalyRecords {

    static final String SCOPE_TYPE = "service";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
            .withZone(ZoneOffset.UTC);

    private ValueAnomalyRecords() {
    }

    /** {@code judgement}: the latest counting hour's (null on RESOLVED); {@code endedAt}: set on RESOLVED. */
    static Anomaly anomaly(ValueRule rule, AnomalyState event, ServiceValue value, ValueAnomalyStateRecord state,
            ValueRule.Judgement judgement, Instant endedAt) {
        BigDecimal observed = judgement == null ? Money.ZERO : Money.of(judgement.observed());
        BigDecimal expected = judgement == null ? Money.ZERO : Money.of(judgement.expected());
        String since = CLOCK.format(Instant.ofEpochMilli(state.getStreakStart()));
        String summary = event == AnomalyState.RESOLVED
                ? value.getService() + ": " + rule.type() + " over (it held since " + since + "; "
                        + ValueRule.amount(state.getExcess()) + " " + value.getCurrency() + " in all)"
                : value.getService() + ": " + judgement.what() + "; " + state.getStreak() + " hour"
                        + (state.getStreak() == 1 ? "" : "s") + " in a row since " + since + ", "
                        + ValueRule.amount(state.getExcess()) + " " + value.getCurrency() + " so far";
        return Anomaly.newBuilder()
                .setAnomalyId(state.getAnomalyId())
                .setDedupKey(rule.dedupKey(value.getService()))
                .setState(event)
                .setType(rule.type())
                .setSeverity(Severity.TICKET)
                .setScopeType(SCOPE_TYPE)
                .setScope(value.getService())
                .setCurrency(value.getCurrency())
                .setStartedAt(Instant.ofEpochMilli(state.getStreakStart()))
                .setObservedAt(value.getHourStart())
                .setEndedAt(endedAt)
                .setObserved(observed)
                .setExpected(expected)
                .setPeakObserved(Money.of(state.getPeak()))
                .setExcessCost(Money.of(state.getExcess()))
                .setExcessCostPerHour(judgement == null ? Money.ZERO : Money.of(judgement.excess()))
                .setScore(judgement == null ? 0 : judgement.score())
                .setSummary(summary)
                .setTeam(state.getTeam())
                .build();
    }
}
