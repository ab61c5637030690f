package io.spendstream.anomaly.value;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.ValueAnomalyStateRecord;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.anomaly.core.TicketAlerts;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.AnomalyState;
import io.spendstream.avro.ServiceValue;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.Money;

/**
 * UNPROFITABLE_SCALING and LATENCY_REVENUE_LOSS per service, from {@code spend.value} (key = service, one record per
 * service and closed hour, in hour order). For each {@link ValueRule}: an hour that counts extends the service's
 * streak (a missing hour breaks it); {@link ValueRule#hours} in a row open the anomaly (TICKET, FIRING), further
 * counting hours update it, and the first hour that does not count resolves it. State per rule and service in
 * {@value ValueAnomalyTopology#STORE} (key = dedup key), changelogged; an hour at or before the last one judged (a
 * replay) is ignored.
 */
final class ValueAnomalyProcessor extends DetectorProcessor<ServiceValue> {

    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final List<ValueRule> rules;
    private KeyValueStore<String, ValueAnomalyStateRecord> states;

    ValueAnomalyProcessor(List<ValueRule> rules, PipelineMetrics metrics, OpenAnomalies openAnomalies) {
        super(metrics, openAnomalies);
        this.rules = rules;
    }

    @Override
    protected void open(ProcessorContext<String, Emission> context) {
        this.states = context.getStateStore(ValueAnomalyTopology.STORE);
        countOpen("value", states, state -> state.getAnomalyId() != null);
    }

    @Override
    protected void processRecord(Record<String, ServiceValue> record) {
        metrics.recordIn(Stage.NAME);
        ServiceValue value = record.value();
        if (value == null) {
            return;
        }
        for (ValueRule rule : rules) {
            judge(record, rule, value);
        }
    }

    private void judge(Record<String, ServiceValue> record, ValueRule rule, ServiceValue value) {
        String key = rule.dedupKey(value.getService());
        long hour = value.getHourStart().toEpochMilli();
        ValueAnomalyStateRecord state = states.get(key);
        if (state != null && hour <= state.getLastHour()) {
            return;
        }
        boolean wasOpen = state != null && state.getAnomalyId() != null;
        ValueRule.Judgement judgement = rule.judge(value);
        if (judgement == null) {
            if (wasOpen) {
                emit(record, rule, value, state, AnomalyState.RESOLVED, null);
            }
            if (state != null) {
                states.delete(key);
            }
            openChanged(wasOpen, false);
            return;
        }
        boolean continues = state != null && state.getLastHour() + HOUR_MS == hour;
        if (!continues && !wasOpen) {
            state = new ValueAnomalyStateRecord(hour, 0, hour, null, Money.ZERO, judgement.observed(),
                    value.getTeam());
        }
        state.setLastHour(hour);
        state.setStreak(continues ? state.getStreak() + 1 : 1);
        state.setExcess(Money.add(state.getExcess(), judgement.excess()));
        state.setPeak(judgement.observed().max(state.getPeak()));
        if (value.getTeam() != null) {
            state.setTeam(value.getTeam());
        }
        if (wasOpen) {
            emit(record, rule, value, state, AnomalyState.UPDATE, judgement);
        } else if (state.getStreak() >= rule.hours()) {
            state.setAnomalyId(TicketAlerts.anomalyId(key, state.getStreakStart()));
            emit(record, rule, value, state, AnomalyState.OPEN, judgement);
        }
        states.put(key, state);
        openChanged(wasOpen, state.getAnomalyId() != null);
    }

    private void emit(Record<String, ServiceValue> record, ValueRule rule, ServiceValue value,
            ValueAnomalyStateRecord state, AnomalyState event, ValueRule.Judgement judgement) {
        Anomaly anomaly = ValueAnomalyRecords.anomaly(rule, event, value, state, judgement,
                event == AnomalyState.RESOLVED ? Instant.ofEpochMilli(value.getHourStart().toEpochMilli()) : null);
        forward(record, new Emission(anomaly, event == AnomalyState.UPDATE ? null
                : TicketAlerts.of(anomaly, state.getTeam())));
    }
}
