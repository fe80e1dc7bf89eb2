package io.pgstream.jobs.templates;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.embedding.EmbeddingOptions.Model;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkOptions;
import io.pgstream.jobs.sink.qdrant.QdrantSinkOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a job file into a {@link JobConfig}. Each key is a declared option whose key is the dotted
 * path of the job file ({@link JobFileOptions} lists them; docs/job-file.md is their reference); a
 * key left out takes the option's default. The keys are a contract that scripts outside this
 * repository use; errors name the file and the dotted key, and say what is allowed.
 *
 * <p>Sections are read one at a time, each followed by its unknown-key check, so a file with two
 * mistakes reports the one in the earlier section (source, embedding, sink, checkpoint, restart);
 * the cross-key rules (one of template and columns, keys of another model, sink type or restart
 * strategy) stay here, next to the reads. It is over 300 lines because it reads every section of
 * the job file; splitting it per section would spread those cross-key rules over several classes.
 */
public final class JobConfigLoader {

    private JobConfigLoader() {}

    /** Loads and validates {@code file}, expanding {@code ${NAME}} from the environment. */
    public static JobConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JobConfigException(
                    "no job file "
                            + file
                            + ": pass --config with the path of a job file (see"
                            + " examples/job.yaml)");
        } catch (AccessDeniedException e) {
            throw new JobConfigException("cannot read job file " + file + ": permission denied");
        } catch (IOException e) {
            throw new JobConfigException(
                    "cannot read job file "
                            + file
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        return parse(text, file.toString(), System::getenv);
    }

    /** Validates a job file's text; {@code origin} names it in errors. */
    public static JobConfig parse(String yaml, String origin, Function<String, String> env) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(origin).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new JobConfigException(origin + ": not valid YAML: " + e.getMessage());
        }
        if (!(doc instanceof Map)) {
            throw new JobConfigException(
                    origin + ": must be a mapping with source, embedding and sink sections");
        }
        ConfigNode root = new ConfigNode(origin, "", (Map<?, ?>) doc, env);
        JobConfig.Source source = source(root.section("source", true));
        JobConfig.Embedding embedding = embedding(root.section("embedding", true), env);
        JobConfig.Sink sink = sink(root.section("sink", true), source.dsn());
        ConfigNode cp = root.section("checkpoint", false);
        JobConfig.Checkpoint checkpoint =
                new JobConfig.Checkpoint(
                        cp.duration(CheckpointOptions.INTERVAL),
                        cp.optionalString(
                                CheckpointOptions.DIR, ".pgstream/checkpoints/" + source.slot()));
        cp.finish();
        int parallelism = root.integer(JobOptions.PARALLELISM, 1);
        String deadLetters = root.optionalString(JobOptions.DEAD_LETTER_TABLE);
        try {
            TableId.parse(deadLetters);
        } catch (IllegalArgumentException e) {
            throw root.error(JobOptions.DEAD_LETTER_TABLE, e.getMessage());
        }
        RestartSettings restart = restart(root.section("restart", false));
        Duration bufferTimeout = root.duration(JobOptions.BUFFER_TIMEOUT);
        root.finish();
        return new JobConfig(
                source,
                embedding,
                sink,
                checkpoint,
                parallelism,
                deadLetters,
                restart,
                bufferTimeout);
    }

    /**
     * {@code restart:} which of Flink's restart strategies, with its own keys; a key of another
     * strategy is an error rather than silently ignored.
     */
    private static RestartSettings restart(ConfigNode n) {
        RestartSettings.Strategy strategy =
                n.choice(RestartOptions.STRATEGY, RestartSettings.Strategy.class);
        Map<ConfigOption<?>, RestartSettings.Strategy> owners = new LinkedHashMap<>();
        for (ConfigOption<?> key :
                List.of(
                        RestartOptions.INITIAL_BACKOFF,
                        RestartOptions.MAX_BACKOFF,
                        RestartOptions.BACKOFF_MULTIPLIER,
                        RestartOptions.RESET_THRESHOLD)) {
            owners.put(key, RestartSettings.Strategy.EXPONENTIAL_DELAY);
        }
        owners.put(RestartOptions.ATTEMPTS, RestartSettings.Strategy.FIXED_DELAY);
        owners.put(RestartOptions.MAX_FAILURES_PER_INTERVAL, RestartSettings.Strategy.FAILURE_RATE);
        owners.put(RestartOptions.FAILURE_RATE_INTERVAL, RestartSettings.Strategy.FAILURE_RATE);
        for (Map.Entry<ConfigOption<?>, RestartSettings.Strategy> owner : owners.entrySet()) {
            if (owner.getValue() != strategy && n.has(owner.getKey())) {
                throw n.error(
                        owner.getKey(),
                        "only applies to strategy: " + strategyName(owner.getValue()));
            }
        }
        boolean delayed =
                strategy == RestartSettings.Strategy.FIXED_DELAY
                        || strategy == RestartSettings.Strategy.FAILURE_RATE;
        if (!delayed && n.has(RestartOptions.DELAY)) {
            throw n.error(
                    RestartOptions.DELAY, "only applies to strategy: fixed-delay or failure-rate");
        }
        RestartSettings settings =
                switch (strategy) {
                    case EXPONENTIAL_DELAY -> {
                        Duration initial = n.duration(RestartOptions.INITIAL_BACKOFF);
                        Duration max = n.duration(RestartOptions.MAX_BACKOFF);
                        if (max.compareTo(initial) < 0) {
                            throw n.error(
                                    RestartOptions.MAX_BACKOFF,
                                    "must be at least initial-backoff ("
                                            + TimeUtils.formatWithHighestUnit(initial)
                                            + ")");
                        }
                        yield new RestartSettings.ExponentialDelay(
                                initial,
                                max,
                                n.decimal(RestartOptions.BACKOFF_MULTIPLIER, 1.0),
                                n.duration(RestartOptions.RESET_THRESHOLD));
                    }
                    case FIXED_DELAY ->
                            new RestartSettings.FixedDelay(
                                    n.integer(RestartOptions.ATTEMPTS, 1),
                                    n.duration(RestartOptions.DELAY));
                    case FAILURE_RATE ->
                            new RestartSettings.FailureRate(
                                    n.integer(RestartOptions.MAX_FAILURES_PER_INTERVAL, 1),
                                    n.duration(RestartOptions.FAILURE_RATE_INTERVAL),
                                    n.duration(RestartOptions.DELAY));
                    case NONE -> new RestartSettings.None();
                };
        n.finish();
        return settings;
    }

    private static String strategyName(RestartSettings.Strategy s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static JobConfig.Source source(ConfigNode n) {
        String dsn = n.string(SourceOptions.DSN);
        if (!dsn.startsWith("postgresql://")
                && !dsn.startsWith("postgres://")
                && !dsn.startsWith("jdbc:postgresql://")) {
            throw n.error(
                    SourceOptions.DSN,
                    "must be a libpq URI (postgresql://user@host:port/db) or a"
                            + " jdbc:postgresql:// URL");
        }
        List<String> tables = n.stringList(SourceOptions.TABLES, true);
        String slot = n.optionalString(SourceOptions.SLOT);
        String publication = n.optionalString(SourceOptions.PUBLICATION, slot + "_pub");
        StartupChoice startup;
        try {
            startup = StartupChoice.parse(n.optionalString(SourceOptions.STARTUP_MODE));
        } catch (IllegalArgumentException e) {
            throw n.error(SourceOptions.STARTUP_MODE, e.getMessage());
        }
        StartupMode startupMode = startup.mode();
        Lsn startLsn = startup.lsn();
        int chunkSize = n.integer(SourceOptions.CHUNK_SIZE, 1);
        Duration heartbeat = n.duration(SourceOptions.HEARTBEAT);
        n.finish();
        return new JobConfig.Source(
                dsn, tables, slot, publication, startupMode, startLsn, chunkSize, heartbeat);
    }

    private static JobConfig.Embedding embedding(ConfigNode n, Function<String, String> env) {
        Model model = n.choice(EmbeddingOptions.MODEL, Model.class);
        boolean hasTemplate = n.has(EmbeddingOptions.TEMPLATE);
        boolean hasColumns = n.has(EmbeddingOptions.COLUMNS);
        if (hasTemplate == hasColumns) {
            throw n.error(
                    hasTemplate ? EmbeddingOptions.COLUMNS : EmbeddingOptions.TEMPLATE,
                    "give exactly one of template (\"{title}\\n\\n{content}\") or columns"
                            + " ([title, content])");
        }
        String template = n.optionalString(EmbeddingOptions.TEMPLATE);
        List<String> columns = n.stringList(EmbeddingOptions.COLUMNS, false);
        String baseUrl = n.optionalString(EmbeddingOptions.BASE_URL);
        String modelName = n.optionalString(EmbeddingOptions.MODEL_NAME);
        String apiKeyEnv = n.optionalString(EmbeddingOptions.API_KEY_ENV);
        Integer dimensions = n.optionalInteger(EmbeddingOptions.DIMENSIONS, 1);
        List<ConfigOption<?>> openAiOnly =
                List.of(
                        EmbeddingOptions.BASE_URL,
                        EmbeddingOptions.MODEL_NAME,
                        EmbeddingOptions.API_KEY_ENV);
        if (model == Model.OPENAI) {
            if (n.has("local")) {
                throw n.error("local", "only applies to model: local");
            }
            if (baseUrl == null) {
                throw n.error(EmbeddingOptions.BASE_URL, "missing (required with model: openai)");
            }
            if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw n.error(EmbeddingOptions.BASE_URL, "must start with http:// or https://");
            }
            if (modelName == null) {
                throw n.error(EmbeddingOptions.MODEL_NAME, "missing (required with model: openai)");
            }
            if (dimensions == null) {
                throw n.error(
                        EmbeddingOptions.DIMENSIONS,
                        "missing (required with model: openai; e.g. 1536)");
            }
            if (apiKeyEnv != null && env.apply(apiKeyEnv) == null) {
                throw n.error(
                        EmbeddingOptions.API_KEY_ENV,
                        "names environment variable " + apiKeyEnv + ", which is not set");
            }
        } else {
            for (ConfigOption<?> option : openAiOnly) {
                if (n.has(option)) {
                    throw n.error(option, "only applies to model: openai");
                }
            }
            if (dimensions != null && dimensions != EmbeddingOptions.LOCAL_DIMENSIONS) {
                throw n.error(
                        EmbeddingOptions.DIMENSIONS,
                        "the local model has "
                                + EmbeddingOptions.LOCAL_DIMENSIONS
                                + " dimensions, not "
                                + dimensions);
            }
            dimensions = EmbeddingOptions.LOCAL_DIMENSIONS;
        }
        int batchSize = n.integer(EmbeddingOptions.BATCH_SIZE, 1);
        Duration linger = n.duration(EmbeddingOptions.MAX_LINGER);
        int inFlight = n.integer(EmbeddingOptions.MAX_IN_FLIGHT_BATCHES, 1);
        Duration timeout = n.duration(EmbeddingOptions.REQUEST_TIMEOUT);
        int attempts = n.integer(EmbeddingOptions.MAX_ATTEMPTS, 1);
        Duration retryAfterMax = n.duration(EmbeddingOptions.RETRY_AFTER_MAX);
        int concurrent = n.integer(EmbeddingOptions.MAX_CONCURRENT_REQUESTS, 1);
        int maxTextChars = n.integer(EmbeddingOptions.MAX_TEXT_CHARS, 0);
        ConfigNode chunking = n.section("chunking", false);
        Integer maxChars = chunking.optionalInteger(EmbeddingOptions.CHUNKING_MAX_CHARS, 16);
        int chunkChars = maxChars == null ? 0 : maxChars;
        Integer overlapChars = chunking.optionalInteger(EmbeddingOptions.CHUNKING_OVERLAP_CHARS, 0);
        int overlap = overlapChars == null ? chunkChars / 8 : overlapChars;
        if (chunkChars > 0 && overlap >= chunkChars) {
            throw chunking.error(
                    EmbeddingOptions.CHUNKING_OVERLAP_CHARS, "must be smaller than max-chars");
        }
        chunking.finish();
        ConfigNode local = n.section("local", false);
        Duration localTimeout = local.duration(EmbeddingOptions.LOCAL_TIMEOUT);
        local.finish();
        ConfigNode rateLimit = n.section("rate-limit", false);
        Integer requestsPerMinute =
                rateLimit.optionalInteger(EmbeddingOptions.RATE_LIMIT_REQUESTS_PER_MINUTE, 1);
        Integer tokensPerMinute =
                rateLimit.optionalInteger(EmbeddingOptions.RATE_LIMIT_TOKENS_PER_MINUTE, 1);
        rateLimit.finish();
        Double price = n.decimal(EmbeddingOptions.PRICE_PER_MILLION_TOKENS, 0);
        if (model != Model.OPENAI) {
            if (n.has("rate-limit")) {
                throw n.error("rate-limit", "only applies to model: openai");
            }
            if (n.has(EmbeddingOptions.PRICE_PER_MILLION_TOKENS)) {
                throw n.error(
                        EmbeddingOptions.PRICE_PER_MILLION_TOKENS, "only applies to model: openai");
            }
        }
        if (maxTextChars > 0 && chunkChars > 0) {
            throw n.error(
                    EmbeddingOptions.MAX_TEXT_CHARS,
                    "applies only with chunking off (chunking splits long texts)");
        }
        n.finish();
        return new JobConfig.Embedding(
                model,
                template,
                columns,
                baseUrl,
                modelName,
                apiKeyEnv,
                dimensions,
                batchSize,
                linger,
                inFlight,
                timeout,
                localTimeout,
                attempts,
                retryAfterMax,
                concurrent,
                chunkChars,
                overlap,
                maxTextChars,
                requestsPerMinute == null ? 0 : requestsPerMinute,
                tokensPerMinute == null ? 0 : tokensPerMinute,
                price);
    }

    private static JobConfig.Sink sink(ConfigNode n, String sourceDsn) {
        SinkOptions.Type type = n.choice(SinkOptions.TYPE, SinkOptions.Type.class);
        if (type == null) {
            throw n.error(SinkOptions.TYPE, "missing; allowed: pgvector, qdrant");
        }
        int batchSize = n.integer(SinkOptions.BATCH_SIZE, 1);
        Duration maxLinger = maxLinger(n);
        String alias = n.optionalString(SinkOptions.ALIAS);
        List<ConfigOption<String>> qdrantOnly =
                List.of(
                        QdrantSinkOptions.URL,
                        QdrantSinkOptions.COLLECTION,
                        QdrantSinkOptions.API_KEY_ENV);
        List<ConfigOption<?>> pgvectorOnly =
                List.of(
                        PgVectorSinkOptions.DSN,
                        PgVectorSinkOptions.TABLE,
                        PgVectorSinkOptions.HNSW);
        if (type == SinkOptions.Type.PGVECTOR) {
            String dsn = n.optionalString(PgVectorSinkOptions.DSN, sourceDsn);
            String table = n.string(PgVectorSinkOptions.TABLE);
            boolean hnsw = n.bool(PgVectorSinkOptions.HNSW);
            for (ConfigOption<?> option : qdrantOnly) {
                if (n.has(option)) {
                    throw n.error(option, "only applies to type: qdrant");
                }
            }
            n.finish();
            return new JobConfig.Sink(
                    type, dsn, table, hnsw, null, null, null, batchSize, maxLinger, alias);
        }
        String url = n.string(QdrantSinkOptions.URL);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw n.error(
                    QdrantSinkOptions.URL,
                    "must be http://host:6334 or https://host:6334 (the gRPC port)");
        }
        String collection = n.string(QdrantSinkOptions.COLLECTION);
        String apiKeyEnv = n.optionalString(QdrantSinkOptions.API_KEY_ENV);
        for (ConfigOption<?> option : pgvectorOnly) {
            if (n.has(option)) {
                throw n.error(option, "only applies to type: pgvector");
            }
        }
        n.finish();
        return new JobConfig.Sink(
                type, null, null, false, url, collection, apiKeyEnv, batchSize, maxLinger, alias);
    }

    /**
     * {@code sink.max-linger}: a duration (0 flushes at the writer's next turn), or {@code
     * checkpoint} to write only when a checkpoint starts or a batch is full.
     */
    private static Duration maxLinger(ConfigNode n) {
        if ("checkpoint".equals(n.text(SinkOptions.MAX_LINGER))) {
            return null;
        }
        return n.duration(SinkOptions.MAX_LINGER, true);
    }
}
