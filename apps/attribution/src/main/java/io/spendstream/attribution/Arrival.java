package io.spendstream.attribution;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * One input record of the attribution app (a cost row or an APM summary) on its way to the windows, so both inputs
 * can be merged into one stream whose processors share one stream time. Lives only inside one sub-topology: never
 * serialized, except back to its topic's bytes when it has to be dead-lettered.
 *
 * <p>{@link #realTime()} says whether the record is still on time for the real-time (minute) windows;
 * {@link LatenessGate} decides it once, and every ledger window (an hour or more, showback, burn rate) takes the
 * record either way.
 */
public sealed interface Arrival {

    /** Whether the real-time windows still take this record (decided by {@link LatenessGate}). */
    boolean realTime();

    /** This record, marked as past the real-time windows' grace: it goes to the ledger windows only. */
    Arrival pastRealTime();

    /** The record's own event time: ChargePeriodStart of a cost row, windowStart of an APM summary. */
    long eventTimeMs();

    /** A few words naming the record in a dead letter's message. */
    String describe();

    /** The record as its input topic holds it (Confluent wire bytes), for a dead letter's raw key and value. */
    ProducerRecord<byte[], byte[]> asReceived(String key, SpendstreamTopics topics);

    /** A row of {@code spend.cost.attributed}. */
    record Cost(AttributedCost value, boolean realTime) implements Arrival {

        public Cost(AttributedCost value) {
            this(value, true);
        }

        @Override
        public Arrival pastRealTime() {
            return new Cost(value, false);
        }

        @Override
        public long eventTimeMs() {
            return value.getCost().getChargePeriodStart().toEpochMilli();
        }

        @Override
        public String describe() {
            return "cost row " + value.getCost().getChargeId() + " (charge period "
                    + value.getCost().getChargePeriodStart() + " to " + value.getCost().getChargePeriodEnd() + ")";
        }

        @Override
        public ProducerRecord<byte[], byte[]> asReceived(String key, SpendstreamTopics topics) {
            return topics.costAttributed.serialize(key, value);
        }
    }

    /** A summary of {@code spend.apm}. */
    record Apm(ApmRecord value, boolean realTime) implements Arrival {

        public Apm(ApmRecord value) {
            this(value, true);
        }

        @Override
        public Arrival pastRealTime() {
            return new Apm(value, false);
        }

        @Override
        public long eventTimeMs() {
            return value.getWindowStart().toEpochMilli();
        }

        @Override
        public String describe() {
            return "APM summary of " + value.getService() + " (interval " + value.getWindowStart() + " to "
                    + value.getWindowEnd() + ")";
        }

        @Override
        public ProducerRecord<byte[], byte[]> asReceived(String key, SpendstreamTopics topics) {
            return topics.apm.serialize(key, value);
        }
    }
}
