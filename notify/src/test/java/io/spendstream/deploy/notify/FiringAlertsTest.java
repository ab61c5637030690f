package io.spendstream.deploy.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.spendstream.avro.Alert;

class FiringAlertsTest {

    @Test
    void shouldKeepTheLatestFiringAlertPerKeyAndDropResolvedOnesAndForgottenPartitions() {
        FiringAlerts firing = new FiringAlerts();
        Alert escalated = Alert.newBuilder(Alerts.firing("checkout")).setSummary("worse").build();

        firing.apply(0, Alerts.firing("checkout"));
        firing.apply(0, escalated);
        firing.apply(1, Alerts.firing("search"));
        firing.apply(1, Alerts.firing("ads"));
        firing.apply(1, Alerts.resolved("ads"));

        assertThat(firing.all()).containsExactlyInAnyOrder(escalated, Alerts.firing("search"));
        assertThat(firing.size(0)).isEqualTo(1);
        firing.forget(List.of(1));
        assertThat(firing.all()).containsExactly(escalated);
    }
}
