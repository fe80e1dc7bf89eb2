package io.pgstream.jobs.endpoint;

import java.io.IOException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Why a call to a remote endpoint (the embedding model, Qdrant) did not get through, in words a
 * person can act on: connection refused, timed out, TLS failure, unknown host. Java's clients often
 * carry no message of their own (the HTTP client's {@link ConnectException} for a refused
 * connection has none, gRPC wraps it as {@code UNAVAILABLE: io exception}), so this reads the types
 * along the cause chain instead.
 */
public record NetworkFailure(Kind kind, String description) implements Serializable {

    /** The kinds a person fixes differently. */
    public enum Kind {
        /** Nothing listens there: wrong host or port, or the server is down. */
        REFUSED,
        /** Connecting or waiting for the answer took longer than the timeout. */
        TIMED_OUT,
        /** The TLS handshake failed: http vs https, or an untrusted certificate. */
        TLS,
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** The connection broke or closed another way. */
        BROKEN
    }

    /**
     * The network failure somewhere in {@code error}'s cause chain; empty when the chain holds none
     * (the caller then reports the error as it is).
     */
    public static Optional<NetworkFailure> of(Throwable error) {
        NetworkFailure best = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            NetworkFailure found = classify(t).orElse(null);
            if (found != null && (best == null || best.generic() && !found.generic())) {
                best = found;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Whether a more specific cause may sit underneath: the HTTP client reports an unresolvable
     * host as a {@link ConnectException} caused by an {@link UnresolvedAddressException}.
     */
    private boolean generic() {
        return kind == Kind.REFUSED || kind == Kind.BROKEN;
    }

    /** {@link #of}'s description, or the error's class and message when it is no network one. */
    public static String describe(Throwable error) {
        return of(error).map(NetworkFailure::description).orElseGet(() -> plain(error));
    }

    private static Optional<NetworkFailure> classify(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (t instanceof HttpConnectTimeoutException) {
            return found(Kind.TIMED_OUT, "connection timed out");
        }
        if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
            return found(Kind.TIMED_OUT, "timed out waiting for an answer");
        }
        if (t instanceof SSLException) {
            return found(Kind.TLS, "TLS failure" + (message.isEmpty() ? "" : " (" + message + ")"));
        }
        if (t instanceof UnresolvedAddressException) {
            return found(Kind.UNKNOWN_HOST, "unknown host");
        }
        if (t instanceof UnknownHostException) {
            return found(
                    Kind.UNKNOWN_HOST, "unknown host" + (message.isEmpty() ? "" : " " + message));
        }
        if (t instanceof NoRouteToHostException) {
            return found(Kind.REFUSED, "no route to host");
        }
        if (t instanceof ConnectException) {
            return lower.contains("timed out")
                    ? found(Kind.TIMED_OUT, "connection timed out")
                    : found(Kind.REFUSED, "connection refused");
        }
        if (t instanceof IOException) {
            if (lower.contains("connection reset")) {
                return found(Kind.BROKEN, "connection reset by the server");
            }
            if (lower.contains("received no bytes") || lower.contains("closed")) {
                return found(Kind.BROKEN, "the server closed the connection without an answer");
            }
        }
        return Optional.empty();
    }

    private static Optional<NetworkFailure> found(Kind kind, String description) {
        return Optional.of(new NetworkFailure(kind, description));
    }

    private static String plain(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank()
                ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + message;
    }
}
