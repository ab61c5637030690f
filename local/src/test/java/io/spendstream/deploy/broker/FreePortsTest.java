package io.spendstream.deploy.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void shouldNeverHandOutTheSamePortTwice() throws IOException {
        // 2,000 draws from ~28,000 ephemeral ports: drawn at random, some would repeat (the birthday bound), as two
        // draws in a row once did for one broker's two listeners.
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(1, 65_535);
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }
}
