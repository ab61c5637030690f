package io.spendstream.anomaly.gate;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.streams.processor.StreamPartitioner;

import io.spendstream.anomaly.avro.AlertGateEvent;
import io.spendstream.anomaly.avro.AlertGateEventKind;

/**
 * Partitions the gate's repartition topic: an ALERT goes where its dedup key hashes (the default partitioner, so one
 * gate task owns each key), every other event (silence, group, team) to all partitions, so that every gate task has
 * its own full copy of the silences, the open groups and the service owners (few records, rarely changing).
 */
final class GatePartitioner implements StreamPartitioner<String, AlertGateEvent> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, AlertGateEvent event, int numPartitions) {
        if (event.getKind() == AlertGateEventKind.ALERT) {
            return Optional.empty();
        }
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
    }
}
