package io.spendstream.anomaly.burn;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.AnomalyApp;
import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.avro.BurnRate;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * Runs {@link BurnRateLifecycle} for every {@code spend.burn-rate} record (key = budget scope; null value = budget
 * deleted), one state per scope in the store {@link AnomalyApp#BURN_STORE}, and forwards what it emits (keyed by
 * dedup key, at the input record's timestamp): BURN_RATE anomaly events with their alerts, and staged budget alerts.
 * Adds its open burn-rate anomalies to the open-anomalies gauge (its tasks are not the cost-spike tasks).
 */
public final class BurnRateProcessor implements Processor<String, BurnRate, String, Emission> {

    /** Evaluations older than the last one applied to their scope, ignored. */
    public static final String STALE = "spendstream.anomaly.burn.stale";
    /** Records without a key: no scope to apply them to. */
    public static final String NO_SCOPE = "spendstream.anomaly.burn.no.scope";

    private final BurnRateLifecycle lifecycle;
    private final PipelineMetrics metrics;
    private final OpenAnomalies openAnomalies;
    private ProcessorContext<String, Emission> context;
    private KeyValueStore<String, BurnRateStateRecord> store;
    private OpenAnomalies.Count open;

    public BurnRateProcessor(BurnRateLifecycle lifecycle, PipelineMetrics metrics, OpenAnomalies openAnomalies) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.openAnomalies = openAnomalies;
    }

    @Override
    public void init(ProcessorContext<String, Emission> context) {
        this.context = context;
        this.store = context.getStateStore(AnomalyApp.BURN_STORE);
        // Called after the store is restored: recount so the gauge is right after a restart or a rebalance.
        open = openAnomalies.count(context.taskId(), store, state -> state.getOpen() != null);
    }

    @Override
    public void process(Record<String, BurnRate> record) {
        metrics.recordIn(AnomalyApp.NAME);
        BurnRate rate = record.value();
        String scope = record.key() != null ? record.key() : rate == null ? null : rate.getScope();
        if (scope == null) {
            metrics.counter(NO_SCOPE, "stage", AnomalyApp.NAME).increment();
            return;
        }
        BurnRateStateRecord state = store.get(scope);
        boolean wasOpen = state != null && state.getOpen() != null;
        List<Emission> out = new ArrayList<>();
        boolean isOpen;
        if (rate == null) {
            lifecycle.onDeleted(scope, state, record.timestamp(), out);
            store.delete(scope);
            isOpen = false;
        } else if (lifecycle.isStale(state, rate)) {
            metrics.counter(STALE, "stage", AnomalyApp.NAME).increment();
            return;
        } else {
            state = lifecycle.onBurnRate(scope, state, rate, out);
            store.put(scope, state);
            isOpen = state.getOpen() != null;
        }
        for (Emission emission : out) {
            context.forward(record.withKey(emission.dedupKey()).withValue(emission));
        }
        open.changed(wasOpen, isOpen);
    }

    @Override
    public void close() {
        if (open != null) {
            open.withdraw();
        }
    }
}
