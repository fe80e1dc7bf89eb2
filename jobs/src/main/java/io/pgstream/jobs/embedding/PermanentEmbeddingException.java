package io.pgstream.jobs.embedding;

/**
 * The model refused the input for good (an HTTP 4xx other than 401, 403, 408 and 429, a text over
 * the model's limit): retrying cannot help, so the embedding operator sends the row to the
 * dead-letter output and the job continues. Every other {@link EmbeddingException} is transient and
 * fails the task, so nothing is dropped.
 */
public class PermanentEmbeddingException extends EmbeddingException {
    private static final long serialVersionUID = 1L;

    public PermanentEmbeddingException(String message) {
        super(message);
    }

    public PermanentEmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
