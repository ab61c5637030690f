package io.spendstream.anomaly.burn;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import io.spendstream.anomaly.avro.BurnRateStateRecord;
import io.spendstream.anomaly.core.DetectorProcessor;
import io.spendstream.anomaly.core.Emission;
import io.spendstream.anomaly.core.OpenAnomalies;
import io.spendstream.anomaly.core.Stage;
import io.spendstream.avro.BurnRate;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * Runs {@link BurnRateLifecycle} for every {@code spend.burn-rate} record (key = budget scope; null value = budget
 * deleted), one state per scope in the store {@link BurnRateTopology#STORE}, and forwards what it emits (keyed by
 * dedup key, at the input record's timestamp): BURN_RATE anomaly events with their alerts, and staged budget alerts.
 * Adds its open burn-rate anomalies to the open-anomalies gauge (its tasks are not the cost-spike tasks).
 */
public final class BurnRateProcessor extends DetectorProcessor<BurnRate> {

    /** Evaluations older than the last one applied to their scope, ignored. */
    public static final String STALE = "spendstream.anomaly.burn.stale";
    /** Records without a key: no scope to apply them to. */
    public static final String NO_SCOPE = "spendstream.anomaly.burn.no.scope";

    private final BurnRateLifecycle lifecycle;
    private KeyValueStore<String, BurnRateStateRecord> store;

    public BurnRateProcessor(BurnRateLifecycle lifecycle, PipelineMetrics metrics, OpenAnomalies openAnomalies) {
        super(metrics, openAnomalies);
        this.lifecycle = lifecycle;
    }

    @Override
    protected void open(ProcessorContext<String, Emission> context) {
        this.store = context.getStateStore(BurnRateTopology.STORE);
        // Called after the store is restored: recount so the gauge is right after a restart or a rebalance.
        countOpen(store, state -> state.getOpen() != null);
    }

    @Override
    protected void processRecord(Record<String, BurnRate> record) {
        metrics.recordIn(Stage.NAME);
        BurnRate rate = record.value();
        String scope = record.key() != null ? record.key() : rate == null ? null : rate.getScope();
        if (scope == null) {
            metrics.counter(NO_SCOPE, "stage", Stage.NAME).increment();
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
            metrics.counter(STALE, "stage", Stage.NAME).increment();
            return;
        } else {
            state = lifecycle.onBurnRate(scope, state, rate, out);
            store.put(scope, state);
            isOpen = state.getOpen() != null;
        }
        for (Emission emission : out) {
            forward(record, emission);
        }
        openChanged(wasOpen, isOpen);
    }
}
