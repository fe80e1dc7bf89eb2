package io.pgstream.jobs.table;

import io.pgstream.jobs.sink.SinkOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/**
 * What the {@code pgvector} and {@code qdrant} table factories share: option validation (Flink's
 * unknown/missing-key check, then each value, every message naming its key), the schema rules
 * ({@link VectorTableSchema}), and the sink and {@code VECTOR_SEARCH} source over the store each
 * subclass builds.
 */
abstract class VectorTableFactory implements DynamicTableSinkFactory, DynamicTableSourceFactory {

    /** The store of the table being planned; may check it over the network. */
    abstract VectorStore store(ReadableConfig options, VectorTableSchema schema, Context context);

    /** The vector size rows must have, known once {@link #store} ran. */
    abstract int dimension(VectorStore store);

    /** The name rows are grouped under in the store (collection or table). */
    abstract String target(ReadableConfig options);

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        Planned p = plan(context);
        return new VectorTableSink(
                p.store, new VectorRowConverter(p.schema, target(p.options), dimension(p.store)));
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        Planned p = plan(context);
        return new VectorSearchSource(p.store, p.schema);
    }

    private record Planned(ReadableConfig options, VectorTableSchema schema, VectorStore store) {}

    private Planned plan(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        positive(options, SinkOptions.BATCH_SIZE);
        Duration linger = options.get(SinkOptions.MAX_LINGER);
        if (linger.isNegative()) {
            throw new ValidationException(
                    "'" + SinkOptions.MAX_LINGER.key() + "' must not be negative, got " + linger);
        }
        options.getOptional(VectorTableOptions.DIMENSION)
                .ifPresent(d -> positive(options, VectorTableOptions.DIMENSION));
        VectorTableSchema schema =
                VectorTableSchema.of(
                        context.getObjectIdentifier().asSummaryString(),
                        context.getCatalogTable().getResolvedSchema(),
                        (RowType) context.getPhysicalRowDataType().getLogicalType(),
                        options.getOptional(VectorTableOptions.VERSION_COLUMN).orElse(null));
        return new Planned(options, schema, store(options, schema, context));
    }

    static void positive(ReadableConfig options, ConfigOption<Integer> option) {
        int value = options.get(option);
        if (value < 1) {
            throw new ValidationException(
                    "'" + option.key() + "' must be a positive number, got " + value);
        }
    }

    /** {@code option}'s value, or a planning error naming it. */
    static <T> T required(ReadableConfig options, ConfigOption<T> option, String why) {
        return options.getOptional(option)
                .orElseThrow(
                        () -> new ValidationException("'" + option.key() + "' is required " + why));
    }
}
