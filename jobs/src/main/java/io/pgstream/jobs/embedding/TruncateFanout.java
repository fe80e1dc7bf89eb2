package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.Collector;

/**
 * Routes changes to the embedding operator: rows by their row key, and every TRUNCATE as one copy
 * per parallel subtask of the operator. A truncate must stay behind the earlier changes of every
 * row of its table, and those rows are spread over all subtasks; a copy that travels through each
 * subtask's own input channel is ordered behind that subtask's earlier rows.
 *
 * <p>The copies carry routing keys chosen so that Flink's key-group assignment sends copy {@code i}
 * to subtask {@code i}; this only holds for the operator's exact {@code maxParallelism} and {@code
 * parallelism}, which must therefore be set explicitly on the operator (as {@link EmbeddingStage}
 * does).
 */
public final class TruncateFanout implements FlatMapFunction<DocumentChange, RoutedChange> {
    private static final long serialVersionUID = 1L;

    private final String[] routingKeys;

    public TruncateFanout(int maxParallelism, int parallelism) {
        this.routingKeys = routingKeys(maxParallelism, parallelism);
    }

    /**
     * One key per subtask index: {@code keys[i]} is assigned to subtask {@code i} by {@link
     * KeyGroupRangeAssignment#assignKeyToParallelOperator}. Keys start with {@code \u0001}, which
     * no row key does (row keys start with the table name).
     */
    public static String[] routingKeys(int maxParallelism, int parallelism) {
        if (parallelism < 1 || maxParallelism < parallelism) {
            throw new IllegalArgumentException(
                    "need 1 <= parallelism <= maxParallelism, got parallelism "
                            + parallelism
                            + " and maxParallelism "
                            + maxParallelism);
        }
        String[] keys = new String[parallelism];
        int found = 0;
        for (int n = 0; found < parallelism; n++) {
            String candidate = "\u0001truncate#" + n;
            int subtask =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            candidate, maxParallelism, parallelism);
            if (keys[subtask] == null) {
                keys[subtask] = candidate;
                found++;
            }
        }
        return keys;
    }

    @Override
    public void flatMap(DocumentChange change, Collector<RoutedChange> out) {
        if (change.kind() == DocumentChange.Kind.TRUNCATE) {
            for (String key : routingKeys) {
                out.collect(RoutedChange.truncateCopy(change, key));
            }
        } else {
            out.collect(RoutedChange.row(change));
        }
    }
}
