package io.pgstream.jobs.model;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * Checks, when a query using the model is planned, that {@code CREATE MODEL} declared what an
 * embedding model can be: {@code INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)} under any
 * column names, with {@code 'task' = 'embedding'}. Without this a wrong declaration would fail in
 * the running job with a cast error far from its cause.
 */
final class EmbeddingModelSignature {

    private EmbeddingModelSignature() {}

    static void check(ModelProviderFactory.Context context, ReadableConfig options) {
        String model = context.getObjectIdentifier().asSummaryString();
        String provider = context.getCatalogModel().getOptions().get("provider");
        String task = options.get(ModelOptions.TASK);
        if (!ModelOptions.EMBEDDING_TASK.equalsIgnoreCase(task)) {
            throw new ValidationException(
                    "Model "
                            + model
                            + ": 'task' = '"
                            + task
                            + "' is not supported by provider '"
                            + provider
                            + "'; use 'task' = 'embedding'");
        }
        List<Column> input = context.getCatalogModel().getResolvedInputSchema().getColumns();
        if (input.size() != 1
                || !input.get(0)
                        .getDataType()
                        .getLogicalType()
                        .is(LogicalTypeFamily.CHARACTER_STRING)) {
            throw new ValidationException(
                    "Model "
                            + model
                            + ": INPUT must be one STRING column (the text to embed), e.g. INPUT"
                            + " (text STRING); got "
                            + describe(input));
        }
        List<Column> output = context.getCatalogModel().getResolvedOutputSchema().getColumns();
        if (output.size() != 1 || !isFloatArray(output.get(0).getDataType().getLogicalType())) {
            throw new ValidationException(
                    "Model "
                            + model
                            + ": OUTPUT must be one ARRAY<FLOAT> column (the vector), e.g. OUTPUT"
                            + " (embedding ARRAY<FLOAT>); got "
                            + describe(output));
        }
    }

    private static boolean isFloatArray(LogicalType type) {
        return type instanceof ArrayType array && array.getElementType().is(LogicalTypeRoot.FLOAT);
    }

    private static String describe(List<Column> columns) {
        return columns.stream()
                .map(c -> c.getName() + " " + c.getDataType())
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
