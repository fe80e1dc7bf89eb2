package io.pgstream.jobs.embedding.budget;

import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

/**
 * The messages between the embedding subtasks and the {@link BudgetCoordinator}: requests sent from
 * a model-call thread straight to the JobManager and answered by a future (not operator events,
 * which reach a task through its mailbox while the task thread may be waiting for a batch).
 */
final class PermitEvents {

    private PermitEvents() {}

    /**
     * May request {@code requestId} of subtask {@code subtask} (attempt {@code attempt}) start?
     * {@code tokens} is {@link TokenEstimator#raw}, which the coordinator scales. Answered {@link
     * Granted} or, after a while without room, {@link StillWaiting} (the ask keeps its place; ask
     * again with the same id), so that no RPC waits longer than Flink's ask timeout.
     */
    record Ask(int subtask, int attempt, long requestId, long tokens)
            implements CoordinationRequest {}

    /** It may; the grant is returned with {@link Returned}. */
    record Granted(long grantId) implements CoordinationResponse {}

    /** Not yet: ask again with the same request id. */
    record StillWaiting() implements CoordinationResponse {}

    /** The request of grant {@code grantId} finished using {@code tokens} (negative: unknown). */
    record Returned(long grantId, long tokens) implements CoordinationRequest {}

    /** Answer to {@link Returned}. */
    record Noted() implements CoordinationResponse {}
}
