package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.jobs.document.TextTemplate;
import java.util.List;
import java.util.Map;

/**
 * What a job turns a row into, resolved against the server: the text template (from {@code
 * embedding.template} or {@code embedding.columns}) and each table's key columns, checked by {@link
 * SourceTables#keyColumns}. The sync job and the repair tools read it the same way.
 */
public record JobDocuments(TextTemplate text, Map<String, List<String>> keys) {

    /** Reads the job's tables on its source; blocks for the catalog queries. */
    public static JobDocuments resolve(JobConfig job) {
        JobConfig.Embedding e = job.embedding();
        TextTemplate text =
                e.template() != null
                        ? TextTemplate.parse(e.template())
                        : TextTemplate.ofColumns(e.columns());
        Map<String, List<String>> keys =
                SourceTables.keyColumns(
                        PgConnectionConfig.parse(job.source().dsn()),
                        job.source().tables(),
                        text.columns(),
                        e.template() != null ? "embedding.template" : "embedding.columns");
        return new JobDocuments(text, keys);
    }
}
