package io.spendstream.attribution;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

import io.spendstream.attribution.avro.CommitmentInput;
import io.spendstream.avro.AttributedCost;
import io.spendstream.runtime.AppContext;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * Commitment discount utilisation: from the cost rows of {@link AttributionInputs} inside the billing horizon (key =
 * service), writes {@code spend.commitments} (key = CommitmentDiscountId): per commitment, per hour and per UTC day,
 * the cost of its Used and Unused parts, their total, utilisation and the resources and services it covered
 * ({@link io.spendstream.avro.CommitmentUtilisation}).
 *
 * <p>{@link CommitmentSplitter} cuts the rows carrying a CommitmentDiscountId and a status Used or Unused into hourly
 * parts keyed by commitment, through the repartition topic {@code <application.id>-}{@value #BY_COMMITMENT}{@code
 * -repartition} (private Avro {@link CommitmentInput}), so one task holds all of a commitment's hours and days;
 * {@link CommitmentProcessor} (store {@value CommitmentProcessor#STORE}) books them and emits each changed window at
 * most once per {@code spendstream.attribution.showback.emit-interval} ({@link ShowbackSettings}).
 */
public final class CommitmentTopology {

    static final String SPLIT = "commitments-split";
    static final String BY_COMMITMENT = "commitments-by-commitment";
    static final String PROCESSOR = "commitments";
    static final String COUNT_OUT = "commitments-count-out";
    static final String SINK = "commitments-sink";

    private CommitmentTopology() {
    }

    /** {@code costs}: the cost rows of {@link AttributionInputs}. */
    public static void build(KStream<String, AttributedCost> costs, AppContext context, AttributionSettings settings) {
        SpendstreamTopics topics = context.topics();
        costs.process(() -> new CommitmentSplitter(settings.maxSpread()), Named.as(SPLIT))
                .repartition(Repartitioned.<String, CommitmentInput>as(BY_COMMITMENT)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(topics.avroSerde(CommitmentInput.class)))
                .process(CommitmentProcessor.supplier(settings, ShowbackSettings.from(context.config()), topics,
                        context.metrics()), Named.as(PROCESSOR))
                .peek((commitment, utilisation) -> context.metrics().recordOut(AttributionApp.NAME,
                        topics.commitments.name()), Named.as(COUNT_OUT))
                .to(topics.commitments.name(), topics.commitments.produced(SINK));
    }
}
