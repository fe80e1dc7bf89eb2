package io.pgstream.jobs.embedding.budget;

import java.util.List;

/**
 * What an HTTP embedding client asks before each request it sends (every retry included) and tells
 * after: the seam between a model client and the job's shared budget. {@link #acquire} blocks the
 * calling thread, which must be a model-call thread and never the task thread (checkpoints must not
 * wait for permits). Implementations are thread-safe.
 */
public interface RequestBudget {

    /** Sends at once and counts nothing: for clients used outside a job. */
    RequestBudget UNLIMITED = texts -> Permit.NONE;

    /**
     * Waits until a request embedding {@code texts} may be sent.
     *
     * @throws InterruptedException when the thread is interrupted while waiting (the job stops)
     */
    Permit acquire(List<String> texts) throws InterruptedException;

    /** A request that may go out; call exactly one of its methods when it is over. */
    interface Permit {

        /** Counts nothing. */
        Permit NONE =
                new Permit() {
                    @Override
                    public void answered(int status, long totalTokens) {}

                    @Override
                    public void unanswered() {}
                };

        /**
         * The endpoint answered {@code status}; {@code totalTokens} is its {@code
         * usage.total_tokens}, or negative when it did not say.
         */
        void answered(int status, long totalTokens);

        /** No answer (timeout, I/O error): the endpoint may or may not have counted it. */
        void unanswered();
    }
}
