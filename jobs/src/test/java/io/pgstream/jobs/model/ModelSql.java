package io.pgstream.jobs.model;

import io.pgstream.connector.testutils.PostgresExtension;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

/** Table environments and DDL for the model ITCases: a pgstream table, the two model forms. */
final class ModelSql {

    private ModelSql() {}

    static TableEnvironment tableEnv() {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "500 ms");
        conf.setString("parallelism.default", "1");
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf)
                        .build());
    }

    /**
     * {@code CREATE TABLE name (id INT, body STRING, PK id)} reading {@code table} in upsert mode.
     */
    static String docsTable(PostgresExtension pg, String name, String table, String slot) {
        return "CREATE TABLE "
                + name
                + " (id INT, body STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' ="
                + " 'pgstream', 'hostname' = '"
                + pg.config().host()
                + "', 'port' = '"
                + pg.config().port()
                + "', 'database-name' = '"
                + pg.config().database()
                + "', 'username' = '"
                + pg.config().user()
                + "', 'table-name' = '"
                + table
                + "', 'slot.name' = '"
                + slot
                + "', 'changelog-mode' = 'upsert')";
    }

    /** An openai-compatible model on {@code baseUrl} with {@code extra} options appended. */
    static String openAiModel(String name, String baseUrl, int dimension, String... extra) {
        StringBuilder sb =
                new StringBuilder("CREATE MODEL ")
                        .append(name)
                        .append(" INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>) WITH (")
                        .append("'provider' = 'openai-compatible', 'task' = 'embedding', ")
                        .append("'endpoint' = '")
                        .append(baseUrl)
                        .append("', 'model' = 'testing', 'dimension' = '")
                        .append(dimension)
                        .append("'");
        for (String o : extra) {
            sb.append(", ").append(o);
        }
        return sb.append(")").toString();
    }

    /**
     * The one form of docs/sql.md: the views that turn {@code source}'s changelog into rows with a
     * text (NULL for deletes, so they call no model) and their embeddings.
     */
    static List<String> changelogPipeline(String source, String model, String sink) {
        return List.of(
                "CREATE TEMPORARY VIEW doc_texts AS SELECT id, op, CASE WHEN op = 'DELETE' THEN"
                        + " CAST(NULL AS STRING) ELSE body END AS body FROM TO_CHANGELOG(input =>"
                        + " TABLE "
                        + source
                        + ") WHERE op <> 'UPDATE_BEFORE'",
                "CREATE TEMPORARY VIEW doc_embedded AS SELECT id, op, body, embedding FROM"
                        + " ML_PREDICT(TABLE doc_texts, MODEL "
                        + model
                        + ", DESCRIPTOR(body), MAP['max-concurrent-operations', '64'])");
    }

    static String changelogInsert(String sink) {
        return "INSERT INTO " + sink + " SELECT * FROM FROM_CHANGELOG(input => TABLE doc_embedded)";
    }
}
