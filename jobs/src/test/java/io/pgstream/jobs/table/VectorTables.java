package io.pgstream.jobs.table;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

/**
 * Test helpers for the SQL vector tables: a table environment on the mini cluster, an explicit
 * changelog of {@code (id, title, embedding, version)} rows, and a query for VECTOR_SEARCH.
 */
final class VectorTables {

    final StreamExecutionEnvironment env;
    final StreamTableEnvironment t;
    private int views;

    VectorTables() {
        env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        t = StreamTableEnvironment.create(env);
    }

    static final String COLUMNS =
            "id BIGINT, title STRING, embedding ARRAY<FLOAT>, version BIGINT,"
                    + " PRIMARY KEY (id) NOT ENFORCED";

    private static final TypeInformation<Row> ROW =
            Types.ROW_NAMED(
                    new String[] {"id", "title", "embedding", "version"},
                    Types.LONG,
                    Types.STRING,
                    Types.OBJECT_ARRAY(Types.FLOAT),
                    Types.LONG);

    /** Runs a DDL statement. */
    void sql(String statement) {
        t.executeSql(statement);
    }

    static Row row(RowKind kind, long id, String title, long version, float... embedding) {
        Float[] boxed = new Float[embedding.length];
        for (int i = 0; i < embedding.length; i++) {
            boxed[i] = embedding[i];
        }
        return Row.ofKind(kind, id, title, boxed, version);
    }

    /** Writes {@code changes} into {@code sinkTable} and waits for the job to finish. */
    void write(String sinkTable, Row... changes) throws Exception {
        DataStream<Row> stream = env.fromData(ROW, changes);
        t.fromChangelogStream(
                        stream,
                        Schema.newBuilder()
                                .column("id", DataTypes.BIGINT().notNull())
                                .column("title", DataTypes.STRING())
                                .column("embedding", DataTypes.ARRAY(DataTypes.FLOAT()))
                                .column("version", DataTypes.BIGINT())
                                .primaryKey("id")
                                .build())
                .executeInsert(sinkTable)
                .await();
    }

    /** The {@code k} nearest rows of {@code vectorTable} to {@code query}: id, title, score. */
    List<Row> search(String vectorTable, int k, float... query) throws Exception {
        return search(vectorTable, "", k, query);
    }

    /**
     * The same with a runtime-config argument, e.g. {@code MAP['async', 'false']}; each call uses a
     * view of its own.
     */
    List<Row> search(String vectorTable, String config, int k, float... query) throws Exception {
        Float[] boxed = new Float[query.length];
        for (int i = 0; i < query.length; i++) {
            boxed[i] = query[i];
        }
        DataStream<Row> queries =
                env.fromData(
                        Types.ROW_NAMED(
                                new String[] {"qid", "qv"},
                                Types.INT,
                                Types.OBJECT_ARRAY(Types.FLOAT)),
                        Row.of(1, boxed));
        String view = "queries_" + vectorTable + "_" + (++views);
        t.createTemporaryView(view, t.fromDataStream(queries));
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                t.executeSql(
                                "SELECT id, title, score FROM "
                                        + view
                                        + " q, LATERAL TABLE(VECTOR_SEARCH(TABLE "
                                        + vectorTable
                                        + ", DESCRIPTOR(embedding), q.qv, "
                                        + k
                                        + (config.isEmpty() ? "" : ", " + config)
                                        + "))")
                        .collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** The messages of {@code e} and its causes, joined: planner errors wrap the factory's. */
    static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** The planning error of {@code SELECT * FROM table}; fails when planning succeeds. */
    String planningError(String table) {
        try {
            t.explainSql("SELECT * FROM " + table);
        } catch (RuntimeException e) {
            return messages(e);
        }
        throw new AssertionError("planning " + table + " did not fail");
    }
}
