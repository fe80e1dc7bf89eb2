package io.pgstream.jobs.templates;

/** A job file that cannot be run as written; the message names the key and what is allowed. */
public class JobConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JobConfigException(String message) {
        super(message);
    }
}
