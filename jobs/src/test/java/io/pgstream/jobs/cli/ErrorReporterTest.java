package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgstream.jobs.embedding.EmbeddingException;
import io.pgstream.jobs.embedding.EndpointUnavailableException;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.embedding.OpenAiEmbeddingModel;
import io.pgstream.jobs.testutils.ClosedPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exit codes: an endpoint that cannot be used is for a server to fix, however deep it sits. */
class ErrorReporterTest {

    @Test
    void aJobThatEndedOnAnUnreachableEndpointExitsWithTheServerCode() throws Exception {
        OpenAiConfig config =
                OpenAiConfig.builder("http://127.0.0.1:" + ClosedPort.find() + "/v1", "m", 3)
                        .maxAttempts(1)
                        .build();
        Throwable unreachable =
                catchThrowable(
                        () -> OpenAiEmbeddingModel.withApiKey(config, null).embed(List.of("x")));
        assertThat(unreachable).isInstanceOf(EndpointUnavailableException.class);
        // As a failed Flink job reports it: the task's error under layers of job failures.
        Exception jobFailure =
                new RuntimeException(
                        "Job execution failed.",
                        new RuntimeException("Recovery is suppressed", unreachable));

        Throwable cause = ErrorReporter.rootCause(jobFailure);

        assertThat(cause).isSameAs(unreachable);
        assertThat(ErrorReporter.exitCode(cause)).isEqualTo(ErrorReporter.SETUP_PROBLEM);
    }

    @Test
    void otherModelFailuresAreNoServerProblem() {
        assertThat(ErrorReporter.exitCode(new EmbeddingException("HTTP 500: down")))
                .isEqualTo(ErrorReporter.OTHER_ERROR);
    }
}
