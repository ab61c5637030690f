package io.spendstream.runtime.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.Test;

import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.FailurePhase;
import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.runtime.testing.TopologyFixture;
import io.spendstream.schemas.SpendstreamTopics;

class DeadLetterRouteTest {

    /** Parses numbers from spend.usage.raw; anything else is rejected; "boom" makes the next processor throw. */
    static final class NumbersApp implements StreamsApp {
        @Override
        public String name() {
            return "numbers";
        }

        @Override
        public AppTopics topics(SpendstreamTopics topics) {
            return new AppTopics(List.of(topics.usageRaw), List.of(), List.of(topics.apmRaw), topics.dlq);
        }

        @Override
        public void buildTopology(StreamsBuilder builder, AppContext context) {
            var topics = context.topics();
            var raw = builder.stream(topics.usageRaw.name(), topics.usageRaw.consumed("raw-source"));
            DeadLetterRoute.parse(raw, "parse-number", name(), (key, value, ts) -> {
                String text = new String(value, StandardCharsets.UTF_8);
                if (text.equals("boom")) {
                    return text;
                }
                try {
                    return Long.toString(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw new RejectedRecordException("not-a-number", "'" + text + "' is not a number");
                }
            }, topics, context.metrics())
                    .mapValues(v -> {
                        if (v.equals("boom")) {
                            throw new IllegalStateException("exploded on purpose");
                        }
                        return v.getBytes(StandardCharsets.UTF_8);
                    }, Named.as("explode"))
                    .to(topics.apmRaw.name(), topics.apmRaw.produced("numbers-sink"));
        }
    }

    @Test
    void shouldRouteRejectedAndFailingRecordsToDeadLetterTopicAndKeepGoing() {
        try (TopologyFixture fixture = TopologyFixture.of(new NumbersApp())) {
            TestInputTopic<byte[], byte[]> in = fixture.input(fixture.topics().usageRaw);
            for (String v : List.of("1", "x", "2", "boom", "3")) {
                in.pipeInput("k".getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8));
            }
            List<String> good = fixture.output(fixture.topics().apmRaw).readValuesToList().stream()
                    .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
            var deadRecords = fixture.output(fixture.topics().dlq).readRecordsToList();
            List<DeadLetter> dead = deadRecords.stream().map(r -> r.value()).toList();
            // Dead letters carry the time they failed, so the DLQ's time retention counts from the failure.
            assertThat(deadRecords).allSatisfy(r ->
                    assertThat(r.timestamp()).isEqualTo(r.value().getFailedAt().toEpochMilli()));

            assertThat(good).containsExactly("1", "2", "3");
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).getReason()).isEqualTo("not-a-number");
            assertThat(dead.get(0).getPhase()).isEqualTo(FailurePhase.VALIDATION);
            assertThat(dead.get(0).getSourceOffset()).isEqualTo(1L);
            assertThat(StandardCharsets.UTF_8.decode(dead.get(0).getRawValue()).toString()).isEqualTo("x");
            assertThat(dead.get(1).getReason()).isEqualTo("processing-error");
            assertThat(dead.get(1).getPhase()).isEqualTo(FailurePhase.PROCESSING);
            assertThat(dead.get(1).getMessage()).contains("exploded on purpose");
            assertThat(StandardCharsets.UTF_8.decode(dead.get(1).getRawValue()).toString()).isEqualTo("boom");
            assertThat(fixture.count("spendstream.records.dead.lettered", "reason", "not-a-number")).isEqualTo(1.0);
        }
    }
}
