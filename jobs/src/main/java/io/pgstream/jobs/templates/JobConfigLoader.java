package io.pgstream.jobs.templates;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.DeadLetterSink;
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
import org.apache.flink.util.TimeUtils;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads a job file into a {@link JobConfig}. The keys are a contract that scripts outside this
 * repository use (see the README's "Job file" section); errors name the file and the dotted key,
 * and say what is allowed.
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
                        cp.duration("interval", Duration.ofSeconds(10)),
                        cp.optionalString("dir", ".pgstream/checkpoints/" + source.slot()));
        cp.finish();
        int parallelism = root.integer("parallelism", 1, 1);
        String deadLetters = root.optionalString("dead-letter-table", DeadLetterSink.DEFAULT_TABLE);
        try {
            TableId.parse(deadLetters);
        } catch (IllegalArgumentException e) {
            throw root.error("dead-letter-table", e.getMessage());
        }
        RestartSettings restart = restart(root.section("restart", false));
        Duration bufferTimeout = root.duration("buffer-timeout", JobConfig.DEFAULT_BUFFER_TIMEOUT);
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
                n.choice(
                        "strategy",
                        RestartSettings.Strategy.class,
                        RestartSettings.Strategy.EXPONENTIAL_DELAY);
        Map<String, RestartSettings.Strategy> owners = new LinkedHashMap<>();
        for (String key :
                List.of(
                        "initial-backoff",
                        "max-backoff",
                        "backoff-multiplier",
                        "reset-threshold")) {
            owners.put(key, RestartSettings.Strategy.EXPONENTIAL_DELAY);
        }
        owners.put("attempts", RestartSettings.Strategy.FIXED_DELAY);
        owners.put("max-failures-per-interval", RestartSettings.Strategy.FAILURE_RATE);
        owners.put("failure-rate-interval", RestartSettings.Strategy.FAILURE_RATE);
        for (Map.Entry<String, RestartSettings.Strategy> owner : owners.entrySet()) {
            if (owner.getValue() != strategy && n.has(owner.getKey())) {
                throw n.error(
                        owner.getKey(),
                        "only applies to strategy: " + strategyName(owner.getValue()));
            }
        }
        boolean delayed =
                strategy == RestartSettings.Strategy.FIXED_DELAY
                        || strategy == RestartSettings.Strategy.FAILURE_RATE;
        if (!delayed && n.has("delay")) {
            throw n.error("delay", "only applies to strategy: fixed-delay or failure-rate");
        }
        RestartSettings settings =
                switch (strategy) {
                    case EXPONENTIAL_DELAY -> {
                        RestartSettings.ExponentialDelay d = RestartSettings.DEFAULT;
                        Duration initial = n.duration("initial-backoff", d.initialBackoff());
                        Duration max = n.duration("max-backoff", d.maxBackoff());
                        if (max.compareTo(initial) < 0) {
                            throw n.error(
                                    "max-backoff",
                                    "must be at least initial-backoff ("
                                            + TimeUtils.formatWithHighestUnit(initial)
                                            + ")");
                        }
                        yield new RestartSettings.ExponentialDelay(
                                initial,
                                max,
                                n.decimal("backoff-multiplier", d.multiplier(), 1.0),
                                n.duration("reset-threshold", d.resetThreshold()));
                    }
                    case FIXED_DELAY ->
                            new RestartSettings.FixedDelay(
                                    n.integer("attempts", 5, 1),
                                    n.duration("delay", Duration.ofSeconds(5)));
                    case FAILURE_RATE ->
                            new RestartSettings.FailureRate(
                                    n.integer("max-failures-per-interval", 5, 1),
                                    n.duration("failure-rate-interval", Duration.ofMinutes(10)),
                                    n.duration("delay", Duration.ofSeconds(5)));
                    case NONE -> new RestartSettings.None();
                };
        n.finish();
        return settings;
    }

    private static String strategyName(RestartSettings.Strategy s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static JobConfig.Source source(ConfigNode n) {
        String dsn = n.string("dsn");
        if (!dsn.startsWith("postgresql://")
                && !dsn.startsWith("postgres://")
                && !dsn.startsWith("jdbc:postgresql://")) {
            throw n.error(
                    "dsn",
                    "must be a libpq URI (postgresql://user@host:port/db) or a"
                            + " jdbc:postgresql:// URL");
        }
        List<String> tables = n.stringList("tables", true);
        String slot = n.optionalString("slot", "pgstream_sync");
        String publication = n.optionalString("publication", slot + "_pub");
        StartupChoice startup;
        try {
            startup = StartupChoice.parse(n.optionalString("startup-mode", "initial"));
        } catch (IllegalArgumentException e) {
            throw n.error("startup-mode", e.getMessage());
        }
        StartupMode startupMode = startup.mode();
        Lsn startLsn = startup.lsn();
        int chunkSize = n.integer("chunk-size", 8192, 1);
        Duration heartbeat = n.has("heartbeat") ? n.duration("heartbeat", null) : null;
        n.finish();
        return new JobConfig.Source(
                dsn, tables, slot, publication, startupMode, startLsn, chunkSize, heartbeat);
    }

    private static JobConfig.Embedding embedding(ConfigNode n, Function<String, String> env) {
        JobConfig.Model model = n.choice("model", JobConfig.Model.class, JobConfig.Model.LOCAL);
        boolean hasTemplate = n.has("template");
        boolean hasColumns = n.has("columns");
        if (hasTemplate == hasColumns) {
            throw n.error(
                    hasTemplate ? "columns" : "template",
                    "give exactly one of template (\"{title}\\n\\n{content}\") or columns"
                            + " ([title, content])");
        }
        String template = n.optionalString("template", null);
        List<String> columns = n.stringList("columns", false);
        String baseUrl = n.optionalString("base-url", null);
        String modelName = n.optionalString("model-name", null);
        String apiKeyEnv = n.optionalString("api-key-env", null);
        int dimensions = n.integer("dimensions", 0, 1);
        if (model == JobConfig.Model.OPENAI) {
            if (baseUrl == null) {
                throw n.error("base-url", "missing (required with model: openai)");
            }
            if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw n.error("base-url", "must start with http:// or https://");
            }
            if (modelName == null) {
                throw n.error("model-name", "missing (required with model: openai)");
            }
            if (dimensions == 0) {
                throw n.error("dimensions", "missing (required with model: openai; e.g. 1536)");
            }
            if (apiKeyEnv != null && env.apply(apiKeyEnv) == null) {
                throw n.error(
                        "api-key-env",
                        "names environment variable " + apiKeyEnv + ", which is not set");
            }
        } else {
            for (String openaiOnly : List.of("base-url", "model-name", "api-key-env")) {
                if (n.has(openaiOnly)) {
                    throw n.error(openaiOnly, "only applies to model: openai");
                }
            }
            if (dimensions != 0 && dimensions != 384) {
                throw n.error(
                        "dimensions", "the local model has 384 dimensions, not " + dimensions);
            }
            dimensions = 384;
        }
        int batchSize = n.integer("batch-size", 64, 1);
        Duration linger = n.duration("max-linger", Duration.ofMillis(50));
        int inFlight = n.integer("max-in-flight-batches", 4, 1);
        Duration timeout = n.duration("request-timeout", Duration.ofSeconds(30));
        int attempts = n.integer("max-attempts", 6, 1);
        Duration retryAfterMax =
                n.duration("retry-after-max", OpenAiConfig.DEFAULT_RETRY_AFTER_MAX);
        int concurrent = n.integer("max-concurrent-requests", 4, 1);
        int maxTextChars = n.integer("max-text-chars", 0, 0);
        ConfigNode chunking = n.section("chunking", false);
        int chunkChars = chunking.integer("max-chars", 0, 16);
        int overlap = chunking.integer("overlap-chars", chunkChars / 8, 0);
        if (chunkChars > 0 && overlap >= chunkChars) {
            throw chunking.error("overlap-chars", "must be smaller than max-chars");
        }
        chunking.finish();
        ConfigNode rateLimit = n.section("rate-limit", false);
        int requestsPerMinute = rateLimit.integer("requests-per-minute", 0, 1);
        int tokensPerMinute = rateLimit.integer("tokens-per-minute", 0, 1);
        rateLimit.finish();
        Double price =
                n.has("price-per-million-tokens")
                        ? n.decimal("price-per-million-tokens", 0, 0)
                        : null;
        if (model != JobConfig.Model.OPENAI) {
            for (String openaiOnly : List.of("rate-limit", "price-per-million-tokens")) {
                if (n.has(openaiOnly)) {
                    throw n.error(openaiOnly, "only applies to model: openai");
                }
            }
        }
        if (maxTextChars > 0 && chunkChars > 0) {
            throw n.error(
                    "max-text-chars",
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
                attempts,
                retryAfterMax,
                concurrent,
                chunkChars,
                overlap,
                maxTextChars,
                requestsPerMinute,
                tokensPerMinute,
                price);
    }

    private static JobConfig.Sink sink(ConfigNode n, String sourceDsn) {
        JobConfig.SinkType type = n.choice("type", JobConfig.SinkType.class, null);
        if (type == null) {
            throw n.error("type", "missing; allowed: pgvector, qdrant");
        }
        int batchSize = n.integer("batch-size", 500, 1);
        Duration maxLinger = maxLinger(n);
        if (type == JobConfig.SinkType.PGVECTOR) {
            String dsn = n.optionalString("dsn", sourceDsn);
            String table = n.string("table");
            boolean hnsw = n.bool("hnsw", true);
            for (String qdrantOnly : List.of("url", "collection", "api-key-env")) {
                if (n.has(qdrantOnly)) {
                    throw n.error(qdrantOnly, "only applies to type: qdrant");
                }
            }
            n.finish();
            return new JobConfig.Sink(
                    type, dsn, table, hnsw, null, null, null, batchSize, maxLinger);
        }
        String url = n.string("url");
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw n.error("url", "must be http://host:6334 or https://host:6334 (the gRPC port)");
        }
        String collection = n.string("collection");
        String apiKeyEnv = n.optionalString("api-key-env", null);
        for (String pgOnly : List.of("dsn", "table", "hnsw")) {
            if (n.has(pgOnly)) {
                throw n.error(pgOnly, "only applies to type: pgvector");
            }
        }
        n.finish();
        return new JobConfig.Sink(
                type, null, null, false, url, collection, apiKeyEnv, batchSize, maxLinger);
    }

    /**
     * {@code sink.max-linger}: a duration (0 flushes at the writer's next turn), or {@code
     * checkpoint} to write only when a checkpoint starts or a batch is full.
     */
    private static Duration maxLinger(ConfigNode n) {
        if (n.has("max-linger") && "checkpoint".equals(n.optionalString("max-linger", null))) {
            return null;
        }
        Duration linger = n.duration("max-linger", BufferedVectorWriter.DEFAULT_MAX_LINGER);
        if (linger.isNegative()) {
            throw n.error("max-linger", "must be a duration >= 0 (e.g. 20ms) or 'checkpoint'");
        }
        return linger;
    }
}
