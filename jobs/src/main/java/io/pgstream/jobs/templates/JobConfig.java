package io.pgstream.jobs.templates;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.sink.SinkOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A sync job as its YAML file describes it, validated: source, embedding, sink, checkpoints and
 * restarts. Read with {@link JobConfigLoader}; every field here has passed its checks, so the job
 * builder never re-validates.
 */
public record JobConfig(
        Source source,
        Embedding embedding,
        Sink sink,
        Checkpoint checkpoint,
        int parallelism,
        String deadLetterTable,
        RestartSettings restart,
        Duration bufferTimeout)
        implements Serializable {

    /** This job with another startup mode (the command line overrides the job file). */
    public JobConfig withStartup(StartupChoice startup) {
        return new JobConfig(
                source.withStartup(startup),
                embedding,
                sink,
                checkpoint,
                parallelism,
                deadLetterTable,
                restart,
                bufferTimeout);
    }

    /**
     * This job without {@code sink.alias}: how {@code pgstream reindex} runs it, as the alias must
     * not show its table before the table has caught up.
     */
    public JobConfig withoutAlias() {
        Sink s = sink;
        return new JobConfig(
                source,
                embedding,
                new Sink(
                        s.type(),
                        s.dsn(),
                        s.table(),
                        s.hnsw(),
                        s.url(),
                        s.collection(),
                        s.apiKeyEnv(),
                        s.batchSize(),
                        s.maxLinger(),
                        null),
                checkpoint,
                parallelism,
                deadLetterTable,
                restart,
                bufferTimeout);
    }

    /** {@code source:} where the rows come from. */
    public record Source(
            String dsn,
            List<String> tables,
            String slot,
            String publication,
            StartupMode startupMode,
            Lsn startLsn,
            int chunkSize,
            Duration heartbeat)
            implements Serializable {

        /** This source with another startup mode (the command line overrides the job file). */
        public Source withStartup(StartupChoice startup) {
            return new Source(
                    dsn,
                    tables,
                    slot,
                    publication,
                    startup.mode(),
                    startup.lsn(),
                    chunkSize,
                    heartbeat);
        }
    }

    /**
     * {@code embedding:} how rows become vectors. {@code requestsPerMinute} and {@code
     * tokensPerMinute} ({@code rate-limit:}) hold over all parallel subtasks together, 0: no limit;
     * {@code pricePerMillionTokens} is null when not set; {@code localTimeout} ({@code local:
     * timeout}) bounds a batch of the local model.
     */
    public record Embedding(
            EmbeddingOptions.Model model,
            String template,
            List<String> columns,
            String baseUrl,
            String modelName,
            String apiKeyEnv,
            int dimensions,
            int batchSize,
            Duration maxLinger,
            int maxInFlightBatches,
            Duration requestTimeout,
            Duration localTimeout,
            int maxAttempts,
            Duration retryAfterMax,
            int maxConcurrentRequests,
            int chunkChars,
            int chunkOverlapChars,
            int maxTextChars,
            int requestsPerMinute,
            int tokensPerMinute,
            Double pricePerMillionTokens)
            implements Serializable {

        /** Whether long texts are split into chunks (chunking.max-chars set). */
        public boolean chunking() {
            return chunkChars > 0;
        }
    }

    /**
     * {@code sink:} the vector index; {@code alias} (may be null) is the name searches read: a view
     * over the live table (pgvector), a collection alias of the live collection (Qdrant).
     */
    public record Sink(
            SinkOptions.Type type,
            String dsn,
            String table,
            boolean hnsw,
            String url,
            String collection,
            String apiKeyEnv,
            int batchSize,
            Duration maxLinger,
            String alias)
            implements Serializable {}

    /** {@code checkpoint:} how often and where the job's progress is saved. */
    public record Checkpoint(Duration interval, String dir) implements Serializable {}
}
