package io.spendstream.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.dlq.DeadLetterDeserializationHandler;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

class StreamsPropertiesTest {

    private static final StreamsApp APP = new StreamsApp() {
        @Override
        public String name() {
            return "ingest";
        }

        @Override
        public AppTopics topics(SpendstreamTopics topics) {
            return new AppTopics(List.of(), List.of(), List.of(), topics.dlq);
        }

        @Override
        public void buildTopology(StreamsBuilder builder, AppContext context) {
            // Properties only: no topology needed.
        }
    };

    @Test
    void shouldDefaultToExactlyOnceV2AndOwnTheApplicationId() {
        Properties props = StreamsProperties.build(APP, new SpendstreamConfig(Map.of("bootstrap.servers", "k:9092")));

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("spendstream-ingest");
        assertThat(props.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isEqualTo(true);
        assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterDeserializationHandler.class.getName());
        assertThat(props.get("bootstrap.servers")).isEqualTo("k:9092");
    }

    @Test
    void shouldEnableTheGlobalProcessingHandlerWhereThePartitionAssignorReadsItsConfigToo() {
        Properties props = StreamsProperties.build(APP, new SpendstreamConfig(Map.of("bootstrap.servers", "k:9092")));

        StreamsConfig streamsConfig = new StreamsConfig(props);
        Map<String, Object> assignorSees = streamsConfig.getMainConsumerConfigs("group", "client", 0);

        assertThat(streamsConfig.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
        assertThat(assignorSees).containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }

    @Test
    void shouldRefuseProcessingGuaranteeSetDirectly() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE));

        assertThatThrownBy(() -> StreamsProperties.build(APP, config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processing.guarantee")
                .hasMessageContaining(StreamsProperties.PROCESSING_GUARANTEE);
    }

    @Test
    void shouldRefuseApplicationIdSetDirectly() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "mine"));

        assertThatThrownBy(() -> StreamsProperties.build(APP, config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("application.id");
    }

    @Test
    void shouldTakeTheGuaranteeAndPrefixFromSpendstreamKeys() {
        SpendstreamConfig config = new SpendstreamConfig(Map.of(StreamsProperties.PROCESSING_GUARANTEE,
                StreamsConfig.AT_LEAST_ONCE, StreamsProperties.APPLICATION_ID_PREFIX, "acme-"));

        Properties props = StreamsProperties.build(APP, config);

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("acme-ingest");
    }

    @Test
    void shouldHandTheHandlersThePipelineMetrics() {
        PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());

        Properties props = StreamsProperties.build(APP, new SpendstreamConfig(Map.of()), metrics);

        assertThat(props.get(StreamsProperties.PIPELINE_METRICS)).isSameAs(metrics);
    }
}
