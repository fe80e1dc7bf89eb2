package io.pgstream.jobs.reconcile;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.TableId;
import io.pgstream.jobs.document.DocumentMapper;
import io.pgstream.jobs.document.TextTemplate;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.SourceTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A job's tables as the tools that repair its index read them: each table's key columns and the
 * renderer that turns a row into what the sync would write. Shared by {@link Reconciler} and {@link
 * DeadLetterReplay}, so both render a row exactly as {@code sync} does.
 */
record JobTables(PgConnectionConfig source, Map<String, List<String>> keys, RowRenderer renderer) {

    static JobTables of(JobConfig job) throws SQLException {
        PgConnectionConfig source = PgConnectionConfig.parse(job.source().dsn());
        JobConfig.Embedding e = job.embedding();
        TextTemplate text =
                e.template() != null
                        ? TextTemplate.parse(e.template())
                        : TextTemplate.ofColumns(e.columns());
        Map<String, List<String>> keys =
                SourceTables.keyColumns(
                        source,
                        job.source().tables(),
                        text.columns(),
                        e.template() != null ? "embedding.template" : "embedding.columns");
        return new JobTables(source, keys, RowRenderer.of(new DocumentMapper(keys, text), e));
    }

    /** A read-only connection to the source, named {@code application} in pg_stat_activity. */
    Connection connect(String application) throws SQLException {
        Properties props = source.jdbcProperties();
        props.setProperty("ApplicationName", application);
        Connection c = source.connect(props);
        c.setReadOnly(true);
        return c;
    }

    SourceTable table(Connection c, String name, int pageSize) throws SQLException {
        return new SourceTable(c, TableId.parse(name), keys.get(name), renderer, pageSize);
    }
}
