package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.jobs.document.DocumentMapper;
import io.pgstream.jobs.document.TextTemplate;
import java.util.List;
import java.util.Map;

/**
 * A job file's tables resolved against the source: the connection, each table's key columns and the
 * text template. The sync job and the tools that repair its index ({@code reconcile}, dead-letter
 * replay) all start from this, so they check the tables the same way and render a row alike.
 */
public record JobDocuments(
        PgConnectionConfig source, Map<String, List<String>> keys, TextTemplate text) {

    /**
     * Parses the job's template (or column list) and resolves each source table's key columns.
     *
     * @throws JobConfigException when a table has no key or lacks a text column
     */
    public static JobDocuments resolve(JobConfig job) {
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
        return new JobDocuments(source, keys, text);
    }

    /** The mapper from change events to documents for these tables. */
    public DocumentMapper mapper() {
        return new DocumentMapper(keys, text);
    }
}
