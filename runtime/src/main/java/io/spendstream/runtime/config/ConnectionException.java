package io.spendstream.runtime.config;

/**
 * A Kafka cluster or schema registry that a command needs cannot be reached, or refuses it, at start. The message
 * names the address and the cause in one line; the command line prints just that line and exits 1 (the cause is
 * kept for a debugger, not printed).
 */
public class ConnectionException extends RuntimeException {

    public ConnectionException(String message) {
        super(message);
    }

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
