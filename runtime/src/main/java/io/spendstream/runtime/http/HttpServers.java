package io.spendstream.runtime.http;

import java.io.IOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/**
 * Creates the JDK HTTP servers Spendstream serves from (metrics and health, the built-in schema registry) with
 * Nagle's algorithm off on their connections.
 *
 * <p>Why: the JDK server writes a response's headers and its body as two segments. With Nagle on, the body waits
 * for the client to acknowledge the headers, and clients delay that acknowledgement by up to 40 ms on a connection
 * they keep alive. Every schema registration one after the other took ~60 ms instead of ~24 ms (issue 7: an app
 * registers a dozen subjects on its first records). The JDK reads its switch, {@code sun.net.httpserver.nodelay},
 * once per JVM when it creates its first server, so it is set here unless the JVM was given a value.
 */
public final class HttpServers {

    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private HttpServers() {
    }

    /** {@link HttpServer#create(InetSocketAddress, int)} with the system's default backlog, Nagle off. */
    public static HttpServer create(InetSocketAddress address) throws IOException {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        return HttpServer.create(address, 0);
    }
}
