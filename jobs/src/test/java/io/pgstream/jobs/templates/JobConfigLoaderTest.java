package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.source.StartupMode;
import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.sink.SinkOptions;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

class JobConfigLoaderTest {

    /** The example from the README, key for key (a contract for scripts outside the repo). */
    static final String README_EXAMPLE =
            String.join(
                    "\n",
                    "source:",
                    "  dsn: postgresql://user@127.0.0.1:5432/app",
                    "  tables: [public.documents]",
                    "  slot: docs_slot",
                    "  publication: docs_pub",
                    "  startup-mode: initial",
                    "embedding:",
                    "  model: local",
                    "  template: \"{title}\\n\\n{content}\"",
                    "sink:",
                    "  type: pgvector",
                    "  dsn: postgresql://user@127.0.0.1:5432/app",
                    "  table: public.documents_vectors",
                    "checkpoint:",
                    "  interval: 10s",
                    "  dir: /var/lib/pgstream/checkpoints",
                    "");

    private static JobConfig parse(String yaml) {
        return JobConfigLoader.parse(yaml, "job.yaml", Map.of("SECRET", "s3cr3t")::get);
    }

    @Test
    void theDocumentedExampleLoads() {
        JobConfig c = parse(README_EXAMPLE);
        assertThat(c.source().tables()).containsExactly("public.documents");
        assertThat(c.source().slot()).isEqualTo("docs_slot");
        assertThat(c.source().publication()).isEqualTo("docs_pub");
        assertThat(c.source().startupMode()).isEqualTo(StartupMode.INITIAL);
        assertThat(c.embedding().model()).isEqualTo(EmbeddingOptions.Model.LOCAL);
        assertThat(c.embedding().template()).isEqualTo("{title}\n\n{content}");
        assertThat(c.embedding().dimensions()).isEqualTo(384);
        assertThat(c.sink().type()).isEqualTo(SinkOptions.Type.PGVECTOR);
        assertThat(c.sink().table()).isEqualTo("public.documents_vectors");
        assertThat(c.checkpoint().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.checkpoint().dir()).isEqualTo("/var/lib/pgstream/checkpoints");
        assertThat(c.deadLetterTable()).isEqualTo("public.pgstream_dead_letters");
    }

    @Test
    void theModelIdOfTheJobFileIsTheOneTheModelReports() throws Exception {
        JobConfig local = parse(README_EXAMPLE);
        assertThat(Models.id(local.embedding()))
                .isEqualTo(io.pgstream.jobs.embedding.LocalMiniLmEmbeddingModel.ID);
        JobConfig openai =
                parse(
                        README_EXAMPLE.replace(
                                "  model: local\n",
                                "  model: openai\n  base-url: http://127.0.0.1:1/v1\n"
                                        + "  model-name: text-embedding-3-small\n"
                                        + "  dimensions: 8\n"));
        try (var model = Models.factory(openai.embedding()).create()) {
            assertThat(Models.id(openai.embedding()))
                    .isEqualTo(model.id())
                    .isEqualTo("openai:text-embedding-3-small");
        }
        assertThat(IndexIdentities.of(openai).template()).isEqualTo(openai.embedding().template());
    }

    @Test
    void rateLimitAndPriceReachTheOperatorConfig() {
        String openai =
                README_EXAMPLE.replace(
                        "  model: local\n",
                        "  model: openai\n  base-url: http://127.0.0.1:1/v1\n"
                                + "  model-name: m\n  dimensions: 8\n"
                                + "  rate-limit: {requests-per-minute: 500, tokens-per-minute:"
                                + " 1000000}\n  price-per-million-tokens: 0.02\n");
        JobConfig c = parse(openai);
        assertThat(c.embedding().requestsPerMinute()).isEqualTo(500);
        assertThat(c.embedding().tokensPerMinute()).isEqualTo(1_000_000);
        assertThat(c.embedding().pricePerMillionTokens()).isEqualTo(0.02);
        var operator = Models.operator(c.embedding());
        assertThat(operator.rateLimit())
                .isEqualTo(io.pgstream.jobs.embedding.budget.RateLimit.perMinute(500, 1_000_000));
        assertThat(operator.pricePerMillionTokens()).isEqualTo(0.02);

        JobConfig unlimited = parse(README_EXAMPLE);
        assertThat(Models.operator(unlimited.embedding()).rateLimit().limits()).isFalse();
        assertThat(Models.operator(unlimited.embedding()).pricePerMillionTokens()).isNull();

        assertThatThrownBy(
                        () ->
                                parse(
                                        openai.replace(
                                                "requests-per-minute: 500",
                                                "requests-per-minute: 0")))
                .hasMessageContaining(
                        "embedding.rate-limit.requests-per-minute: must be at least 1");
        assertThatThrownBy(() -> parse(openai.replace("requests-per-minute", "rpm")))
                .hasMessageContaining("embedding.rate-limit.rpm");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "  model: local\n",
                                                "  model: local\n  rate-limit:"
                                                        + " {requests-per-minute: 5}\n")))
                .hasMessageContaining("embedding.rate-limit: only applies to model: openai");
    }

    @Test
    void sinkMaxLingerDefaultsToEagerWritesAndReachesTheWriterConfig() {
        JobConfig c = parse(README_EXAMPLE);
        assertThat(c.sink().maxLinger()).isEqualTo(Duration.ofMillis(20));
        assertThat(VectorStores.pgvectorConfig(c).maxLinger()).isEqualTo(Duration.ofMillis(20));

        JobConfig slow =
                parse(
                        README_EXAMPLE.replace(
                                "  type: pgvector", "  type: pgvector\n  max-linger: 250ms"));
        assertThat(VectorStores.pgvectorConfig(slow).maxLinger()).isEqualTo(Duration.ofMillis(250));

        JobConfig checkpointOnly =
                parse(
                        README_EXAMPLE.replace(
                                "  type: pgvector", "  type: pgvector\n  max-linger: checkpoint"));
        assertThat(checkpointOnly.sink().maxLinger()).isNull();
        assertThat(VectorStores.pgvectorConfig(checkpointOnly).maxLinger()).isNull();

        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "  type: pgvector",
                                                "  type: pgvector\n  max-linger: soon")))
                .hasMessageContaining("max-linger");
    }

    @Test
    void bufferTimeoutDefaultsToAFewMillisecondsAndIsAJobFileKey() {
        assertThat(parse(README_EXAMPLE).bufferTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(parse(README_EXAMPLE + "buffer-timeout: 100ms\n").bufferTimeout())
                .isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> parse(README_EXAMPLE + "buffer-timeout: soon\n"))
                .hasMessageContaining("buffer-timeout");
    }

    @Test
    void defaultsAndEnvironmentExpansion() {
        JobConfig c =
                parse(
                        "source: {dsn: 'postgresql://app:${SECRET}@db/app', tables: docs,"
                                + " startup-mode: 'lsn:0/16B3748'}\n"
                                + "embedding: {columns: [title, body]}\n"
                                + "sink: {type: pgvector, table: v}\n");
        assertThat(c.source().dsn()).isEqualTo("postgresql://app:s3cr3t@db/app");
        assertThat(c.source().startupMode()).isEqualTo(StartupMode.LSN);
        assertThat(c.source().startLsn().toString()).isEqualTo("0/16B3748");
        assertThat(c.sink().dsn()).isEqualTo(c.source().dsn());
        assertThat(c.checkpoint().dir()).isEqualTo(".pgstream/checkpoints/pgstream_sync");
        assertThat(c.embedding().columns()).containsExactly("title", "body");
    }

    @Test
    void errorsNameTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> parse(README_EXAMPLE.replace("tables:", "tabels:")))
                .hasMessageContaining("job.yaml: source.tables: missing")
                .hasMessageContaining("found 'tabels' instead");
        assertThatThrownBy(() -> parse(README_EXAMPLE.replace("slot:", "slto:")))
                .hasMessageContaining("job.yaml: source.slto: unknown key")
                .hasMessageContaining("did you mean 'slot'");
        assertThatThrownBy(() -> parse(README_EXAMPLE.replace("type: pgvector", "type: faiss")))
                .hasMessageContaining(
                        "sink.type: unknown value 'faiss'; allowed: pgvector, qdrant");
        assertThatThrownBy(() -> parse(README_EXAMPLE.replace("interval: 10s", "interval: often")))
                .hasMessageContaining("checkpoint.interval: must be a duration");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "startup-mode: initial", "startup-mode: earliest")))
                .hasMessageContaining("source.startup-mode: unknown value 'earliest'");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "  dsn: postgresql://user@127.0.0.1:5432/app\n  tables",
                                                "  tables")))
                .hasMessageContaining("source.dsn: missing");
        assertThatThrownBy(() -> parse(README_EXAMPLE.replace("model: local", "model: openai")))
                .hasMessageContaining("embedding.base-url: missing");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "  template: \"{title}\\n\\n{content}\"\n", "")))
                .hasMessageContaining("exactly one of template");
        assertThatThrownBy(() -> parse("source: [a]\n"))
                .hasMessageContaining("source: must be a mapping");
        assertThatThrownBy(() -> parse("source: {dsn: 'postgresql://${NOPE}@h/db'}\n"))
                .hasMessageContaining("${NOPE}, which is not set");
        assertThatThrownBy(() -> parse("a: [unclosed\n")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "dead-letter-table: a.b.c\n"))
                .hasMessageContaining(
                        "job.yaml: dead-letter-table: Table name 'a.b.c' has 3 parts");
    }

    @Test
    void retryAfterMaxDefaultsToAMinuteAndReachesTheModelClient() {
        String openAi =
                "source: {dsn: 'postgresql://app@db/app', tables: docs}\n"
                        + "embedding: {model: openai, base-url: 'http://127.0.0.1:1/v1',"
                        + " model-name: m, dimensions: 3, columns: [body]%s}\n"
                        + "sink: {type: pgvector, table: v}\n";

        assertThat(Models.openAi(parse(String.format(openAi, "")).embedding()).retryAfterMax())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(
                        Models.openAi(
                                        parse(String.format(openAi, ", retry-after-max: 5min"))
                                                .embedding())
                                .retryAfterMax())
                .isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> parse(String.format(openAi, ", retry-after-max: 0s")))
                .hasMessageContaining("embedding.retry-after-max: must be positive");
    }

    @Test
    void localTimeoutDefaultsToAMinuteAndAppliesOnlyToTheLocalModel() {
        assertThat(parse(README_EXAMPLE).embedding().localTimeout())
                .isEqualTo(Duration.ofMinutes(1));
        JobConfig c =
                parse(
                        README_EXAMPLE.replace(
                                "  model: local", "  model: local\n  local: {timeout: 2min}"));
        assertThat(c.embedding().localTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "  model: local",
                                                "  model: local\n  local: {timeout: 0s}")))
                .hasMessageContaining("embedding.local.timeout: must be positive");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "source: {dsn: 'postgresql://app@db/app', tables: docs}\n"
                                                + "embedding: {model: openai, base-url:"
                                                + " 'http://127.0.0.1:1/v1', model-name: m,"
                                                + " dimensions: 3, columns: [body],"
                                                + " local: {timeout: 2min}}\n"
                                                + "sink: {type: pgvector, table: v}\n"))
                .hasMessageContaining("embedding.local: only applies to model: local");
    }

    @Test
    void maxTextCharsReachesTheOperatorAndExcludesChunking() {
        JobConfig c =
                parse(
                        README_EXAMPLE.replace(
                                "  model: local", "  model: local\n  max-text-chars: 4000"));
        assertThat(c.embedding().maxTextChars()).isEqualTo(4000);
        assertThat(Models.operator(c.embedding()).maxTextChars()).isEqualTo(4000);
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE.replace(
                                                "  model: local",
                                                "  model: local\n  max-text-chars: 4000\n"
                                                        + "  chunking: {max-chars: 1000}")))
                .hasMessageContaining("embedding.max-text-chars: applies only with chunking off");
    }

    @Test
    void secretsFromTheEnvironmentNeverAppearInErrors() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "source: {dsn: 'postgresql://app:${SECRET}@db/app',"
                                                + " tables: [docs], bogus: 1}\n"))
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void restartDefaultsToExponentialDelayThatForgivesOldFailures() {
        JobConfig c = parse(README_EXAMPLE);
        assertThat(c.restart())
                .isEqualTo(
                        new RestartSettings.ExponentialDelay(
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(60),
                                2.0,
                                Duration.ofMinutes(10)));
        Configuration conf = new Configuration();
        c.restart().applyTo(conf);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(
                        conf.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR))
                .isEqualTo(0.1);
        assertThat(
                        conf.get(
                                RestartStrategyOptions
                                        .RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void restartSectionSelectsEachStrategyWithItsKeys() {
        assertThat(
                        parse(
                                        README_EXAMPLE
                                                + "restart: {initial-backoff: 50ms, max-backoff: 2s,"
                                                + " backoff-multiplier: 1.5, reset-threshold: 500ms}\n")
                                .restart())
                .isEqualTo(
                        new RestartSettings.ExponentialDelay(
                                Duration.ofMillis(50),
                                Duration.ofSeconds(2),
                                1.5,
                                Duration.ofMillis(500)));
        RestartSettings fixed =
                parse(README_EXAMPLE + "restart: {strategy: fixed-delay, attempts: 3, delay: 1s}\n")
                        .restart();
        assertThat(fixed).isEqualTo(new RestartSettings.FixedDelay(3, Duration.ofSeconds(1)));
        Configuration conf = new Configuration();
        fixed.applyTo(conf);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
                .isEqualTo(3);
        assertThat(
                        parse(
                                        README_EXAMPLE
                                                + "restart: {strategy: failure-rate,"
                                                + " max-failures-per-interval: 7,"
                                                + " failure-rate-interval: 1h}\n")
                                .restart())
                .isEqualTo(
                        new RestartSettings.FailureRate(
                                7, Duration.ofHours(1), Duration.ofSeconds(5)));
        RestartSettings none = parse(README_EXAMPLE + "restart: {strategy: none}\n").restart();
        assertThat(none).isEqualTo(new RestartSettings.None());
        none.applyTo(conf);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
    }

    @Test
    void restartErrorsNameTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {strategy: forever}\n"))
                .hasMessageContaining(
                        "job.yaml: restart.strategy: unknown value 'forever'; allowed:"
                                + " exponential-delay, fixed-delay, failure-rate, none");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {inital-backoff: 1s}\n"))
                .hasMessageContaining("job.yaml: restart.inital-backoff: unknown key")
                .hasMessageContaining("did you mean 'initial-backoff'");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {attempts: 5}\n"))
                .hasMessageContaining(
                        "job.yaml: restart.attempts: only applies to strategy: fixed-delay");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE
                                                + "restart: {strategy: fixed-delay,"
                                                + " reset-threshold: 1min}\n"))
                .hasMessageContaining(
                        "restart.reset-threshold: only applies to strategy: exponential-delay");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {strategy: none, delay: 1s}\n"))
                .hasMessageContaining(
                        "restart.delay: only applies to strategy: fixed-delay or failure-rate");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {initial-backoff: soon}\n"))
                .hasMessageContaining("restart.initial-backoff: must be a duration");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE
                                                + "restart: {initial-backoff: 10s,"
                                                + " max-backoff: 1s}\n"))
                .hasMessageContaining(
                        "restart.max-backoff: must be at least initial-backoff (10 s)");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {backoff-multiplier: 0.5}\n"))
                .hasMessageContaining(
                        "restart.backoff-multiplier: must be a number of at least 1.0");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: {backoff-multiplier: x2}\n"))
                .hasMessageContaining("restart.backoff-multiplier: must be a number");
        assertThatThrownBy(
                        () ->
                                parse(
                                        README_EXAMPLE
                                                + "restart: {strategy: fixed-delay, attempts: 0}\n"))
                .hasMessageContaining("restart.attempts: must be at least 1, not 0");
        assertThatThrownBy(() -> parse(README_EXAMPLE + "restart: fixed-delay\n"))
                .hasMessageContaining("restart: must be a mapping");
    }
}
