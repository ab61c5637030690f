package io.spendstream.deploy.broker;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A port nothing listens on right now, for brokers started by tests and the benchmark (the embedded broker needs fixed
 * ports). Never the same port twice in one JVM: the system may hand a port just closed out again, and a broker asks
 * for two in a row (its listener and its controller), which then clashed ("Each listener must have a different port";
 * one fresh-clone CI run failed so). Thread-safe: tests start brokers in parallel.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int next() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
    }
}
