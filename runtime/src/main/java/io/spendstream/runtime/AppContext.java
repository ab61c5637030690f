package io.spendstream.runtime;

import io.spendstream.runtime.config.SpendstreamConfig;
import io.spendstream.runtime.metrics.PipelineMetrics;
import io.spendstream.schemas.SpendstreamTopics;

/** What a topology may use: its topics (with serdes), its configuration, and the pipeline's meters. */
public record AppContext(SpendstreamTopics topics, SpendstreamConfig config, PipelineMetrics metrics) {
}
