package io.spendstream.deploy.broker;

import java.io.IOException;
import java.net.ServerSocket;

/** A port nothing listens on right now, for brokers started by tests and the benchmark (the embedded broker needs fixed ports). */
public final class FreePorts {

    private FreePorts() {
    }

    public static int next() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
