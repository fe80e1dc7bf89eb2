package io.pgstream.jobs.embedding;

import io.pgstream.jobs.endpoint.NetworkFailure;
import java.net.URI;
import java.util.Optional;

/**
 * The embedding endpoint cannot be used at all, whatever the input: it cannot be reached, does not
 * answer, fails the TLS handshake, or rejects the API key (HTTP 401/403). Transient like any {@link
 * EmbeddingException} (the task fails and Flink restarts it; no row is dead-lettered), and typed so
 * that the start-up check can tell a person which of these to fix.
 */
public final class EndpointUnavailableException extends EmbeddingException {
    private static final long serialVersionUID = 1L;

    private final URI endpoint;
    private final NetworkFailure network;
    private final int httpStatus;
    private final String detail;

    private EndpointUnavailableException(
            String message, URI endpoint, NetworkFailure network, int httpStatus, String detail) {
        super(message);
        this.endpoint = endpoint;
        this.network = network;
        this.httpStatus = httpStatus;
        this.detail = detail;
    }

    /**
     * Not reached, or no answer: {@code network} says which, {@code detail} says it with the
     * timeout that ran out ({@code timed out: no answer within 30s}).
     */
    static EndpointUnavailableException unreachable(
            String message, URI endpoint, NetworkFailure network, String detail) {
        return new EndpointUnavailableException(message, endpoint, network, 0, detail);
    }

    /** The endpoint answered 401 or 403: the key is missing, wrong or lacks access. */
    static EndpointUnavailableException keyRejected(String message, URI endpoint, int status) {
        return new EndpointUnavailableException(message, endpoint, null, status, "HTTP " + status);
    }

    /** What went wrong, without the URL: {@code connection refused}, {@code HTTP 401}. */
    public String detail() {
        return detail;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Why it was not reached; empty when it answered (and rejected the key). */
    public Optional<NetworkFailure> network() {
        return Optional.ofNullable(network);
    }

    /** Whether the endpoint answered 401 or 403. */
    public boolean keyRejected() {
        return httpStatus != 0;
    }

    /** 401 or 403 when {@link #keyRejected()}, else 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
