package io.spendstream.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.spendstream.anomaly.detector.DetectorSettings;

class NabCommandTest {

    @Test
    void shouldScoreTheProductionDefaultsWithoutOverrides() {
        assertThat(NabCommand.detectorSettings(Map.of())).isEqualTo(DetectorSettings.defaults());
    }

    @Test
    void shouldApplyEveryOverrideWithTheAppsSettingKeys() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("spendstream.anomaly.drop-weight", "1");
        overrides.put("spendstream.anomaly.tail-memory", "3000");

        DetectorSettings settings = NabCommand.detectorSettings(overrides);

        assertThat(settings.dropWeight()).isEqualTo(1.0);
        assertThat(settings.tailMemory()).isEqualTo(3000);
        assertThat(settings.alpha()).isEqualTo(DetectorSettings.defaults().alpha());
    }

    @Test
    void shouldRefuseAnOverrideThatChangesNothing() {
        // A typo would otherwise score the defaults under the variant's name.
        assertThatThrownBy(() -> NabCommand.detectorSettings(Map.of("spendstream.anomaly.drop-wieght", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spendstream.anomaly.drop-wieght=1 does not change the detector settings");
        assertThatThrownBy(() -> NabCommand.detectorSettings(Map.of("spendstream.anomaly.settle", "5m")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
