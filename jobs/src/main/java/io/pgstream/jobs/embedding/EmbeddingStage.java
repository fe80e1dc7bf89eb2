package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.VectorWrite;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Puts the embedding operator into a job: changes → {@link TruncateFanout} → keyBy({@link
 * RoutedChange#KEY}) → {@link EmbeddingOperator}, with the operator's parallelism and max
 * parallelism fixed so that truncate copies reach every subtask. The routing step runs at the
 * parallelism of {@code changes}, so it stays chained to it and keeps its order. Dead letters are
 * on {@code result.getSideOutput(EmbeddingOperator.DEAD_LETTERS)}.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<VectorWrite> writes =
 *         EmbeddingStage.apply(changes, LocalMiniLmEmbeddingModel.factory(), lookup,
 *                 EmbeddingOperatorConfig.defaults(), 2);
 * writes.sinkTo(vectorSink);
 * writes.getSideOutput(EmbeddingOperator.DEAD_LETTERS).sinkTo(deadLetterSink);
 * }</pre>
 */
public final class EmbeddingStage {

    private EmbeddingStage() {}

    /**
     * @param lookup the sink's stored content hashes; null to never look up
     * @param parallelism parallel subtasks of the embedding operator
     */
    public static SingleOutputStreamOperator<VectorWrite> apply(
            DataStream<DocumentChange> changes,
            EmbeddingModel.Factory model,
            ContentHashLookup.Factory lookup,
            EmbeddingOperatorConfig config,
            int parallelism) {
        int maxParallelism = changes.getExecutionEnvironment().getMaxParallelism();
        if (maxParallelism <= 0) {
            maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
        }
        SingleOutputStreamOperator<RoutedChange> routed =
                changes.flatMap(new TruncateFanout(maxParallelism, parallelism))
                        .returns(TypeInformation.of(RoutedChange.class))
                        .name("route changes")
                        .uid("pgstream-route-changes")
                        // forward from the changes' own operator: a rebalance here would reorder
                        .setParallelism(changes.getParallelism());
        SingleOutputStreamOperator<VectorWrite> writes =
                routed.keyBy(RoutedChange.KEY)
                        .transform(
                                "embed",
                                TypeInformation.of(VectorWrite.class),
                                new EmbeddingOperatorFactory(model, lookup, config))
                        .uid("pgstream-embed")
                        .setParallelism(parallelism);
        writes.setMaxParallelism(maxParallelism);
        return writes;
    }
}
