package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.jobs.reconcile.PgVectorIndex;
import io.pgstream.jobs.reconcile.QdrantIndex;
import io.pgstream.jobs.reconcile.VectorIndex;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.DeadLetterChange;
import io.pgstream.jobs.sink.DeadLetterSink;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.VectorSearcher;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.sink.pgvector.PgVectorAlias;
import io.pgstream.jobs.sink.pgvector.PgVectorContentHashLookup;
import io.pgstream.jobs.sink.pgvector.PgVectorSearcher;
import io.pgstream.jobs.sink.pgvector.PgVectorSink;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkConfig;
import io.pgstream.jobs.sink.pgvector.PgVectorTable;
import io.pgstream.jobs.sink.qdrant.QdrantAlias;
import io.pgstream.jobs.sink.qdrant.QdrantConnection;
import io.pgstream.jobs.sink.qdrant.QdrantContentHashLookup;
import io.pgstream.jobs.sink.qdrant.QdrantSearcher;
import io.pgstream.jobs.sink.qdrant.QdrantSink;
import io.pgstream.jobs.sink.qdrant.QdrantSinkConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * The job file's {@code sink:} section as the pieces the job needs: the Sink V2 writer, the
 * content-hash lookup for the embedding operator, the searcher for {@code pgstream search}, the
 * index reader for {@code pgstream reconcile}, and the dead-letter table.
 */
public final class VectorStores {

    private VectorStores() {}

    /**
     * Creates what the sink needs before the job starts, so errors come before any work, and holds
     * the job to the model the index was built with ({@link IndexIdentities}).
     *
     * @return a line to show when the index's model had to be recorded
     */
    public static Optional<String> prepare(JobConfig c) {
        ensureIndex(c);
        return IndexIdentities.verify(c);
    }

    private static void ensureIndex(JobConfig c) {
        if (c.sink().type() != SinkOptions.Type.PGVECTOR) {
            try (QdrantConnection q = new QdrantConnection(qdrant(c))) {
                q.ensureCollection();
                if (c.sink().alias() != null) {
                    new QdrantAlias(c.sink().alias()).ensure(q);
                }
            } catch (IOException e) {
                throw new JobConfigException("sink: " + e.getMessage());
            }
        } else {
            PgVectorSinkConfig pg = pgvector(c);
            try (Connection conn = pg.connection().connect()) {
                new PgVectorTable(pg).ensure(conn);
                if (c.sink().alias() != null) {
                    alias(c).ensure(conn);
                }
            } catch (SQLException e) {
                throw new JobConfigException(
                        "sink: cannot prepare pgvector table "
                                + c.sink().table()
                                + " at "
                                + pg.connection().redacted()
                                + ": "
                                + e.getMessage());
            }
        }
    }

    /** For logs and the job name: {@code pgvector public.docs_vectors}. */
    public static String describe(JobConfig c) {
        return c.sink().type() == SinkOptions.Type.PGVECTOR
                ? "pgvector " + c.sink().table()
                : "qdrant " + c.sink().collection();
    }

    public static Sink<VectorWrite> sink(JobConfig c) {
        return isPgvector(c) ? new PgVectorSink(pgvector(c)) : new QdrantSink(qdrant(c));
    }

    public static ContentHashLookup.Factory lookup(JobConfig c) {
        return isPgvector(c)
                ? PgVectorContentHashLookup.factory(pgvector(c))
                : QdrantContentHashLookup.factory(qdrant(c));
    }

    /** Searches read the alias when the job file has one, else the index itself. */
    public static VectorSearcher.Factory searcher(JobConfig c) {
        if (!isPgvector(c)) {
            return QdrantSearcher.factory(
                    c.sink().alias() == null ? qdrant(c) : qdrant(c, c.sink().alias()));
        }
        return PgVectorSearcher.factory(
                c.sink().alias() == null ? pgvector(c) : pgvector(c, c.sink().alias()));
    }

    /**
     * Points {@code sink.alias} at the job's index: the view at {@code sink.table} (pgvector), the
     * collection alias at {@code sink.collection} (Qdrant).
     */
    public static void switchAlias(JobConfig c) {
        if (!isPgvector(c)) {
            try (QdrantConnection q = new QdrantConnection(qdrant(c))) {
                new QdrantAlias(c.sink().alias()).switchTo(q);
            } catch (IOException e) {
                throw new JobConfigException(
                        "sink: cannot switch alias " + c.sink().alias() + ": " + e.getMessage());
            }
            return;
        }
        PgVectorSinkConfig pg = pgvector(c);
        try (Connection conn = pg.connection().connect()) {
            alias(c).switchTo(conn);
        } catch (SQLException e) {
            throw new JobConfigException(
                    "sink: cannot switch alias " + c.sink().alias() + ": " + e.getMessage());
        }
    }

    private static PgVectorAlias alias(JobConfig c) {
        return new PgVectorAlias(pgvector(c, c.sink().alias()), pgvector(c));
    }

    /** The index as {@code pgstream reconcile} reads and repairs it. */
    public static VectorIndex index(JobConfig c) {
        return isPgvector(c) ? new PgVectorIndex(pgvector(c)) : new QdrantIndex(qdrant(c));
    }

    private static boolean isPgvector(JobConfig c) {
        return c.sink().type() == SinkOptions.Type.PGVECTOR;
    }

    /** The Qdrant writer's configuration of a Qdrant job. */
    static QdrantSinkConfig qdrant(JobConfig c) {
        return qdrant(c, c.sink().collection());
    }

    /** {@code collection}: the collection, or an alias of it (read paths resolve aliases). */
    private static QdrantSinkConfig qdrant(JobConfig c, String collection) {
        QdrantSinkConfig q =
                QdrantSinkConfig.of(c.sink().url(), collection, c.embedding().dimensions())
                        .withBatchSize(c.sink().batchSize())
                        .withMaxLinger(c.sink().maxLinger());
        return c.sink().apiKeyEnv() == null ? q : q.withApiKeyEnv(c.sink().apiKeyEnv());
    }

    /** Dead letters go to PostgreSQL: the pgvector database, or the source's for Qdrant. */
    public static Sink<DeadLetterChange> deadLetters(JobConfig c) {
        return new DeadLetterSink(deadLetterDatabase(c), c.deadLetterTable());
    }

    /** Where the job's dead letters are: the pgvector database, or the source's for Qdrant. */
    public static PgConnectionConfig deadLetterDatabase(JobConfig c) {
        return PgConnectionConfig.parse(
                c.sink().type() == SinkOptions.Type.PGVECTOR ? c.sink().dsn() : c.source().dsn());
    }

    /** The pgvector writer's configuration of a pgvector job. */
    static PgVectorSinkConfig pgvectorConfig(JobConfig c) {
        return pgvector(c);
    }

    private static PgVectorSinkConfig pgvector(JobConfig c) {
        return pgvector(c, c.sink().table());
    }

    private static PgVectorSinkConfig pgvector(JobConfig c, String table) {
        return PgVectorSinkConfig.of(
                        PgConnectionConfig.parse(c.sink().dsn()),
                        table,
                        c.embedding().dimensions(),
                        c.sink().hnsw(),
                        c.sink().batchSize())
                .withMaxLinger(c.sink().maxLinger());
    }
}
