package io.pgstream.connector.pgoutput;

/**
 * Bytes that are not valid {@code pgoutput}: an unknown message type, a truncated message, a value
 * that does not parse as its declared type. The message names the offending byte or value and,
 * where known, the LSN, because such an error is either a server we have never seen or a bug, and
 * both must be reported with enough context to reproduce them.
 */
public final class PgOutputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PgOutputException(String message) {
        super(message);
    }

    public PgOutputException(String message, Throwable cause) {
        super(message, cause);
    }
}
