package io.spendstream.ingest;


import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import io.spendstream.runtime.dlq.DeadLetters;
import io.spendstream.runtime.dlq.RejectedRecordException;
import io.spendstream.runtime.dlq.Validated;
import io.spendstream.runtime.metrics.PipelineMetrics;

/**
 * The topology step that runs {@link ChargeValuer} on each parsed FOCUS row, right after parsing and still on the
 * {@code spend.usage.raw} sub-topology, so that a row rejected here is dead-lettered with its source coordinates and
 * exact bytes like a parse failure. Reads (never writes) the global stores {@value IngestApp#PRICES_STORE}
 * ({@code spend.prices}) and {@value IngestApp#FX_RATES_STORE} ({@code spend.fx-rates}); global stores are visible
 * to every processor without being connected.
 */
final class ChargeValuation implements FixedKeyProcessor<byte[], ParsedRow, Validated<ValuedCharge>> {

    private final ChargeValuer valuer;
    private final PipelineMetrics metrics;
    private final String stage;
    private final String processorName;
    private FixedKeyProcessorContext<byte[], Validated<ValuedCharge>> context;
    private TimestampedKeyValueStore<String, byte[]> prices;
    private TimestampedKeyValueStore<String, byte[]> fxRates;

    ChargeValuation(ChargeValuer valuer, PipelineMetrics metrics, String stage, String processorName) {
        this.valuer = valuer;
        this.metrics = metrics;
        this.stage = stage;
        this.processorName = processorName;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], Validated<ValuedCharge>> context) {
        this.context = context;
        this.prices = context.getStateStore(IngestApp.PRICES_STORE);
        this.fxRates = context.getStateStore(IngestApp.FX_RATES_STORE);
    }

    @Override
    public void process(FixedKeyRecord<byte[], ParsedRow> record) {
        ParsedRow row = record.value();
        try {
            context.forward(record.withValue(Validated.ok(
                    valuer.value(row, sku -> lookup(prices, sku), currency -> lookup(fxRates, currency)))));
        } catch (RejectedRecordException e) {
            reject(record, e);
        } catch (RuntimeException e) {
            // A bug in valuation must not stop the app: dead-letter the row like the parser's bugs.
            reject(record, new RejectedRecordException("processing-error",
                    "Unexpected " + e.getClass().getSimpleName() + " while valuing: " + e.getMessage(), e));
        }
    }

    private void reject(FixedKeyRecord<byte[], ParsedRow> record, RejectedRecordException e) {
        metrics.deadLettered(stage, e.reason());
        DeadLetters.Source source = DeadLetters.Source.of(context.recordMetadata(), record.timestamp(),
                record.headers());
        context.forward(record.withValue(Validated.rejected(DeadLetters.rejected(context.applicationId(), stage,
                processorName, e, source, record.key(), record.value().rawValue()))));
    }

    private static byte[] lookup(TimestampedKeyValueStore<String, byte[]> store, String key) {
        ValueAndTimestamp<byte[]> entry = store.get(key);
        return entry == null ? null : entry.value();
    }
}
