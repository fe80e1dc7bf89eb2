package io.pgstream.jobs.reconcile;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.TableId;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobDocuments;
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
        JobDocuments documents = JobDocuments.resolve(job);
        return new JobTables(
                documents.source(),
                documents.keys(),
                RowRenderer.of(documents.mapper(), job.embedding()));
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
