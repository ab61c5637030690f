package io.spendstream.anomaly.contributors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildNamesTest {

    @Test
    void shouldHandOutTheFirstEqualNameSeen() {
        ChildNames names = new ChildNames();
        String first = new String("arn:aws:ec2:us-east-1:123:instance/i-0abc");

        assertThat(names.shared(first)).isSameAs(first);
        assertThat(names.shared(new String(first))).isSameAs(first);
        assertThat(names.shared(new String("i-0def"))).isEqualTo("i-0def");
    }

    @Test
    void shouldStartAfreshPastItsBoundAndStillShareWhatComesAfter() {
        ChildNames names = new ChildNames();
        String early = new String("resource-0");
        names.shared(early);
        for (int i = 1; i <= ChildNames.MAX_NAMES; i++) {
            names.shared("resource-" + i);
        }

        String again = new String("resource-0");
        assertThat(names.shared(again)).as("forgotten at the fresh start").isSameAs(again);
        assertThat(names.shared(new String("resource-0"))).isSameAs(again);
    }
}
