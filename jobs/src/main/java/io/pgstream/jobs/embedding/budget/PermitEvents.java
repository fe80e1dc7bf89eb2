package io.pgstream.jobs.embedding.budget;

import org.apache.flink.runtime.operators.coordination.OperatorEvent;

/** The messages between the embedding subtasks and the {@link BudgetCoordinator}. */
final class PermitEvents {

    private PermitEvents() {}

    /** Subtask → coordinator: may request {@code requestId} of about {@code tokens} start? */
    record Ask(long requestId, long tokens) implements OperatorEvent {}

    /** Coordinator → subtask: it may; return {@code grantId} when the request is answered. */
    record Granted(long requestId, long grantId) implements OperatorEvent {}

    /** Subtask → coordinator: the request finished using {@code tokens} (negative: unknown). */
    record Returned(long grantId, long tokens) implements OperatorEvent {}
}
