package io.pgstream.jobs.embedding;

/** A model call that failed for good (after retries): fails the task so Flink restarts it. */
public class EmbeddingException extends Exception {
    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
