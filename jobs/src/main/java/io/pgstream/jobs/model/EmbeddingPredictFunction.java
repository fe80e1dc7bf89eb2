package io.pgstream.jobs.model;

import io.pgstream.jobs.embedding.EmbeddingModel;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The ML_PREDICT function of the pgstream model providers: one STRING in, one {@code ARRAY<FLOAT>}
 * out. Texts are batched by a {@link TextBatcher}; a NULL text gives a NULL embedding without a
 * model call (which is how deletes pass through {@code docs/sql.md}'s changelog pipeline for free).
 *
 * <p>Public because the planner's generated code calls it by name.
 *
 * <p>Order: ML_PREDICT's default {@code output-mode} ORDERED emits rows in input order whatever
 * order batches finish in, so changes to one key keep their commit order.
 */
public final class EmbeddingPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final EmbeddingModel.Factory modelFactory;
    private final BatchSettings settings;
    private transient EmbeddingModel model;
    private transient TextBatcher batcher;

    EmbeddingPredictFunction(EmbeddingModel.Factory modelFactory, BatchSettings settings) {
        this.modelFactory = modelFactory;
        this.settings = settings;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        model = modelFactory.create();
        batcher = new TextBatcher(model, settings);
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        if (input.isNullAt(0)) {
            return CompletableFuture.completedFuture(List.of(GenericRowData.of((Object) null)));
        }
        return batcher.embed(input.getString(0).toString())
                .thenApply(vector -> List.of(GenericRowData.of(new GenericArrayData(vector))));
    }

    @Override
    public void close() throws Exception {
        if (batcher != null) {
            batcher.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
