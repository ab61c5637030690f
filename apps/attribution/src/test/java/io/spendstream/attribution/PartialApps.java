package io.spendstream.attribution;

import org.apache.kafka.streams.StreamsBuilder;

import io.spendstream.runtime.AppContext;
import io.spendstream.runtime.AppTopics;
import io.spendstream.runtime.StreamsApp;
import io.spendstream.schemas.SpendstreamTopics;

/**
 * The attribution app with its shared inputs and only one of its topologies, built by the same methods production
 * calls ({@link AttributionApp#buildTopology} calls them all). For tests that pipe thousands of rows: the
 * TopologyTestDriver then runs one topology per row instead of three, which keeps those tests to seconds.
 */
final class PartialApps {

    private PartialApps() {
    }

    static StreamsApp showbackOnly() {
        return new Partial() {
            @Override
            void build(AttributionInputs inputs, StreamsBuilder builder, AppContext context,
                    AttributionSettings settings) {
                AllocationTopology.build(inputs.arrivals(), context, settings,
                        SharedCostRules.from(context.config()));
            }
        };
    }

    static StreamsApp burnRateOnly() {
        return new Partial() {
            @Override
            void build(AttributionInputs inputs, StreamsBuilder builder, AppContext context,
                    AttributionSettings settings) {
                BurnRateTopology.build(builder, inputs.costs(), context,
                        BurnRateSettings.from(context.config(), settings));
            }
        };
    }

    private abstract static class Partial implements StreamsApp {
        @Override
        public String name() {
            return AttributionApp.NAME;
        }

        @Override
        public AppTopics topics(SpendstreamTopics topics) {
            return new AttributionApp().topics(topics);
        }

        @Override
        public void buildTopology(StreamsBuilder builder, AppContext context) {
            AttributionSettings settings = AttributionSettings.from(context.config());
            build(AttributionInputs.build(builder, context, settings), builder, context, settings);
        }

        abstract void build(AttributionInputs inputs, StreamsBuilder builder, AppContext context,
                AttributionSettings settings);
    }
}
