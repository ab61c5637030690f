package io.spendstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code --stop-after}: which phase a run ends with. */
class BenchSettingsTest {

    private static BenchSettings stoppingAfter(String phase) {
        return new BenchSettings(null, null, Path.of("bench"), 10_000, 500, 2, 4, Duration.ofSeconds(20),
                Duration.ofSeconds(30), 3, Duration.ofSeconds(15), 10, Duration.ofMillis(125), "1g", List.of(), false,
                Map.of(), phase);
    }

    @Test
    void shouldStopAfterTheNamedPhaseOnly() {
        BenchSettings ingest = stoppingAfter("ingest");
        assertThat(BenchSettings.PHASES).filteredOn(ingest::stopsAfter).containsExactly("ingest");
        assertThat(BenchSettings.PHASES).noneMatch(stoppingAfter(null)::stopsAfter);
    }

    @Test
    void shouldRefuseAPhaseThatDoesNotExist() {
        assertThatThrownBy(() -> stoppingAfter("latency")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[passthrough, ingest, enrich, attribution, anomaly, full]");
    }
}
