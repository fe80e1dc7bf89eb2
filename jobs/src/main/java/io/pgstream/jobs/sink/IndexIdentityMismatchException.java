package io.pgstream.jobs.sink;

/**
 * A job file names another model or template than the one its index was built with; the message
 * says which and how to build a new index. The command line exits with its setup-problem code.
 */
public class IndexIdentityMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IndexIdentityMismatchException(String message) {
        super(message);
    }
}
