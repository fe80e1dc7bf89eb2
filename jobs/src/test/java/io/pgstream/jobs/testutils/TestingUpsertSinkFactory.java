package io.pgstream.jobs.testutils;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * {@code 'connector' = 'pgstream-testing-upsert', 'name' = '…'}: an upsert sink (inserts, updates
 * after, deletes by key) that applies rows to an in-memory table keyed by the first column, for SQL
 * tests on a MiniCluster in the same JVM. {@link #table} is what an upsert store would hold; {@link
 * #log} every row received. Parallelism 1 only.
 */
public final class TestingUpsertSinkFactory implements DynamicTableSinkFactory {

    public static final ConfigOption<String> NAME =
            ConfigOptions.key("name").stringType().noDefaultValue();

    private static final Map<String, Map<Object, Row>> TABLES = new ConcurrentHashMap<>();
    private static final Map<String, List<Row>> LOGS = new ConcurrentHashMap<>();

    /** The rows a sink named {@code name} holds now, by first column. */
    public static Map<Object, Row> table(String name) {
        return TABLES.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    }

    /** Every row a sink named {@code name} received, in order, with its kind. */
    public static List<Row> log(String name) {
        return LOGS.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
    }

    @Override
    public String factoryIdentifier() {
        return "pgstream-testing-upsert";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(NAME);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        return new UpsertSink(
                helper.getOptions().get(NAME),
                context.getCatalogTable().getResolvedSchema().toPhysicalRowDataType());
    }

    private static final class UpsertSink implements DynamicTableSink {
        private final String name;
        private final org.apache.flink.table.types.DataType type;

        UpsertSink(String name, org.apache.flink.table.types.DataType type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requested) {
            return ChangelogMode.upsert();
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            DataStructureConverter converter = context.createDataStructureConverter(type);
            String table = name;
            Sink<RowData> sink = (WriterInitContext init) -> new MapWriter(table, converter);
            return SinkV2Provider.of(sink, 1);
        }

        @Override
        public DynamicTableSink copy() {
            return new UpsertSink(name, type);
        }

        @Override
        public String asSummaryString() {
            return "testing upsert sink " + name;
        }
    }

    private static final class MapWriter implements SinkWriter<RowData> {
        private final String name;
        private final DynamicTableSink.DataStructureConverter converter;

        MapWriter(String name, DynamicTableSink.DataStructureConverter converter) {
            this.name = name;
            this.converter = converter;
            converter.open(
                    org.apache.flink.table.connector.RuntimeConverter.Context.create(
                            MapWriter.class.getClassLoader()));
        }

        @Override
        public void write(RowData element, Context context) {
            Row row = (Row) converter.toExternal(element);
            row.setKind(element.getRowKind());
            log(name).add(row);
            if (element.getRowKind() == RowKind.INSERT
                    || element.getRowKind() == RowKind.UPDATE_AFTER) {
                table(name).put(row.getField(0), row);
            } else if (element.getRowKind() == RowKind.DELETE) {
                table(name).remove(row.getField(0));
            }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
    }
}
