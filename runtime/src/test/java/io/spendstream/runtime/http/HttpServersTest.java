package io.spendstream.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class HttpServersTest {

    @Test
    void shouldCreateAServerWithNaglesAlgorithmOffUnlessTheJvmWasToldOtherwise() throws Exception {
        String given = System.getProperty(HttpServers.NO_DELAY);

        HttpServer server = HttpServers.create(new InetSocketAddress("127.0.0.1", 0));
        try {
            assertThat(server.getAddress().getPort()).isPositive();
            assertThat(System.getProperty(HttpServers.NO_DELAY)).isEqualTo(given == null ? "true" : given);
        } finally {
            server.stop(0);
        }
    }
}
