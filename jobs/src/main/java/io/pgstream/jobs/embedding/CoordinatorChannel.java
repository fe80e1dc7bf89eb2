package io.pgstream.jobs.embedding;

import io.pgstream.jobs.embedding.budget.BudgetClient;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.jobgraph.tasks.TaskOperatorEventGateway;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.util.SerializedValue;

/**
 * Requests from one embedding subtask to its operator's coordinator (the job's {@link
 * io.pgstream.jobs.embedding.budget.BudgetCoordinator}) by RPC; callable from any thread, as the
 * batch threads ask for permits themselves.
 */
final class CoordinatorChannel implements BudgetClient.Channel {

    private final TaskOperatorEventGateway gateway;
    private final OperatorID operatorId;

    CoordinatorChannel(TaskOperatorEventGateway gateway, OperatorID operatorId) {
        this.gateway = gateway;
        this.operatorId = operatorId;
    }

    @Override
    public CompletableFuture<CoordinationResponse> send(CoordinationRequest request) {
        try {
            return gateway.sendRequestToCoordinator(operatorId, new SerializedValue<>(request));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize " + request, e);
        }
    }
}
