package io.pgstream.jobs.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.pgstream.jobs.endpoint.NetworkFailure.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The exceptions Java's HTTP client and gRPC throw, read as the cause a person can act on. */
class NetworkFailureTest {

    @Test
    void aConnectExceptionWithoutMessageIsConnectionRefused() {
        // What java.net.http.HttpClient throws for a closed port: no message at all.
        assertThat(NetworkFailure.of(new ConnectException()))
                .contains(new NetworkFailure(Kind.REFUSED, "connection refused"));
    }

    @Test
    void aRefusedConnectionInsideGrpcUnavailableIsFoundAlongTheCauses() {
        Throwable grpc =
                Status.UNAVAILABLE
                        .withDescription("io exception")
                        .withCause(new ConnectException("Connection refused: /127.0.0.1:1"))
                        .asRuntimeException();

        assertThat(NetworkFailure.of(grpc).map(NetworkFailure::kind)).contains(Kind.REFUSED);
    }

    @Test
    void timeoutsAreToldApartFromRefusals() {
        assertThat(NetworkFailure.of(new HttpConnectTimeoutException("HTTP connect timed out")))
                .contains(new NetworkFailure(Kind.TIMED_OUT, "connection timed out"));
        assertThat(NetworkFailure.of(new HttpTimeoutException("request timed out")))
                .contains(new NetworkFailure(Kind.TIMED_OUT, "timed out waiting for an answer"));
        assertThat(NetworkFailure.of(new SocketTimeoutException("Read timed out")))
                .map(NetworkFailure::kind)
                .contains(Kind.TIMED_OUT);
        assertThat(NetworkFailure.of(new ConnectException("Connection timed out")))
                .map(NetworkFailure::kind)
                .contains(Kind.TIMED_OUT);
    }

    @Test
    void tlsAndUnknownHostsSaySo() {
        assertThat(
                        NetworkFailure.of(
                                new IOException(
                                        new SSLHandshakeException("PKIX path building failed"))))
                .contains(new NetworkFailure(Kind.TLS, "TLS failure (PKIX path building failed)"));
        assertThat(NetworkFailure.of(new UnknownHostException("embedder.internal")))
                .contains(new NetworkFailure(Kind.UNKNOWN_HOST, "unknown host embedder.internal"));
    }

    @Test
    void anUnresolvableHostUnderTheHttpClientsConnectExceptionIsAnUnknownHost() {
        // What java.net.http.HttpClient throws for a host name that does not resolve.
        Throwable error = new ConnectException().initCause(new UnresolvedAddressException());

        assertThat(NetworkFailure.of(error))
                .contains(new NetworkFailure(Kind.UNKNOWN_HOST, "unknown host"));
    }

    @Test
    void aConnectionClosedWithoutAnswerIsBroken() {
        assertThat(NetworkFailure.of(new IOException("HTTP/1.1 header parser received no bytes")))
                .map(NetworkFailure::kind)
                .contains(Kind.BROKEN);
        assertThat(NetworkFailure.of(new IOException("Connection reset")))
                .map(NetworkFailure::kind)
                .contains(Kind.BROKEN);
    }

    @Test
    void otherErrorsAreNoNetworkFailureAndAreDescribedByTypeNeverAsNull() {
        assertThat(NetworkFailure.of(new IllegalStateException("bad state"))).isEmpty();
        assertThat(NetworkFailure.describe(new IOException()))
                .isEqualTo("IOException")
                .doesNotContain("null");
        assertThat(NetworkFailure.describe(new IOException("disk full")))
                .isEqualTo("IOException: disk full");
    }
}
