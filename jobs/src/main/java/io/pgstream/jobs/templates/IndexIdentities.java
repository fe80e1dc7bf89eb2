package io.pgstream.jobs.templates;

import io.pgstream.jobs.sink.IndexIdentity;
import io.pgstream.jobs.sink.IndexIdentityMismatchException;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.pgvector.PgVectorIdentity;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import io.pgstream.jobs.sink.qdrant.QdrantConnection;
import io.pgstream.jobs.sink.qdrant.QdrantIdentity;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Holds a job to the index it writes: the model and template of the job file must be the ones the
 * index records ({@link IndexIdentity}), since unchanged texts are never embedded again and a
 * second model would leave a silently mixed index. An index without a record (made by an older
 * pgstream) gets the job file's, with a notice for the person who started the job. Checked by every
 * command that writes vectors, before it starts.
 */
public final class IndexIdentities {

    private IndexIdentities() {}

    /** What the job file says the index is built with. */
    public static IndexIdentity of(JobConfig c) {
        JobConfig.Embedding e = c.embedding();
        String template =
                e.template() != null ? e.template() : "columns: " + String.join(", ", e.columns());
        return new IndexIdentity(Models.id(e), e.dimensions(), template);
    }

    /**
     * Compares the index's record with the job file, or records the job file's when the index has
     * none; nothing when the index does not exist yet.
     *
     * @return a line to show when the record was missing and has been written
     * @throws IndexIdentityMismatchException when they differ
     * @throws JobConfigException when the index cannot be read
     */
    public static Optional<String> verify(JobConfig c) {
        return verify(c, true);
    }

    /**
     * As {@link #verify} but never writes: for commands that only read the index ({@code reconcile}
     * without {@code --repair}), whose counts would be meaningless against another model's index.
     *
     * @throws IndexIdentityMismatchException when the index records another model or template
     */
    public static void check(JobConfig c) {
        verify(c, false);
    }

    private static Optional<String> verify(JobConfig c, boolean record) {
        IndexIdentity wanted = of(c);
        try {
            if (c.sink().type() == SinkOptions.Type.PGVECTOR) {
                PgVectorSinkConfig pg = VectorStores.pgvectorConfig(c);
                PgVectorIdentity store = new PgVectorIdentity(pg);
                try (Connection conn = pg.connection().connect()) {
                    conn.setAutoCommit(true);
                    if (store.tableExists(conn)) {
                        IndexIdentity stored = store.read(conn);
                        if (holds(c, stored, wanted) && record) {
                            store.write(conn, wanted);
                            return recorded(c, wanted, store.hasVectors(conn));
                        }
                    }
                }
            } else {
                try (QdrantConnection q = new QdrantConnection(VectorStores.qdrant(c))) {
                    if (q.await(
                            q.client().collectionExistsAsync(c.sink().collection()),
                            "checking the collection")) {
                        QdrantIdentity store = new QdrantIdentity(q);
                        if (holds(c, store.read(), wanted) && record) {
                            store.write(wanted);
                            return recorded(c, wanted, store.hasVectors());
                        }
                    }
                }
            }
        } catch (SQLException | IOException e) {
            throw new JobConfigException(
                    "sink: cannot read the model of " + name(c) + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    /** True when {@code wanted} is to be recorded; throws when the index has another record. */
    private static boolean holds(JobConfig c, IndexIdentity stored, IndexIdentity wanted) {
        if (stored == null) {
            return true;
        }
        String difference = stored.differenceFrom(wanted);
        if (difference != null) {
            throw new IndexIdentityMismatchException(
                    "the index " + name(c) + " was built with " + difference + "; " + fix(c));
        }
        return false;
    }

    /** The notice of a record written: none for a new (empty) index, which is no news. */
    private static Optional<String> recorded(JobConfig c, IndexIdentity wanted, boolean used) {
        if (!used) {
            return Optional.empty();
        }
        return Optional.of(
                "pgstream: index "
                        + name(c)
                        + " records no model; recording "
                        + wanted.model()
                        + " and the template of the job file");
    }

    private static String fix(JobConfig c) {
        return c.sink().type() == SinkOptions.Type.PGVECTOR
                ? "run pgstream reindex --config <new-job.yaml> to build a new index beside it (or"
                        + " point sink.table at a new table)"
                : "run pgstream reindex --config <new-job.yaml> to build a new collection beside it"
                        + " (or point sink.collection at a new collection, or delete this one to"
                        + " rebuild it)";
    }

    private static String name(JobConfig c) {
        return c.sink().type() == SinkOptions.Type.PGVECTOR
                ? c.sink().table()
                : "Qdrant collection " + c.sink().collection();
    }
}
