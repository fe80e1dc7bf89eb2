package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.source.PostgresSourceOptions;
import io.pgstream.jobs.embedding.EmbeddingOperatorConfig;
import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.embedding.OpenAiConfig;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * The job file maps onto the declared options ({@link JobFileOptions}): keys are the options'
 * dotted keys, unset keys take the options' defaults, and "unknown key" knows every declared key,
 * including ones that apply only to another model, sink type or restart strategy.
 */
class JobFileMappingTest {

    private static final String MINIMAL =
            String.join(
                    "\n",
                    "source: {dsn: 'postgresql://app@db/app', tables: docs}",
                    "embedding: {template: '{body}'}",
                    "sink: {type: pgvector, table: v}",
                    "");

    private static final String OPENAI =
            String.join(
                    "\n",
                    "source: {dsn: 'postgresql://app@db/app', tables: docs}",
                    "embedding: {model: openai, base-url: 'http://e/v1', model-name: m,"
                            + " dimensions: 8, template: '{body}'}",
                    "sink: {type: pgvector, table: v}",
                    "");

    private static JobConfig parse(String yaml) {
        return JobConfigLoader.parse(yaml, "job.yaml", Map.<String, String>of()::get);
    }

    @Test
    void declaredKeysAreUniqueDottedPathsUnderTheSections() {
        Set<String> keys = new HashSet<>();
        Set<String> sections = Set.of("source", "embedding", "sink", "checkpoint", "restart", "");
        for (ConfigOption<?> o : JobFileOptions.ALL) {
            assertThat(keys.add(o.key())).as("%s declared twice", o.key()).isTrue();
            int dot = o.key().indexOf('.');
            assertThat(sections).as(o.key()).contains(dot < 0 ? "" : o.key().substring(0, dot));
            assertThat(o.description().getBlocks())
                    .as("%s has a description", o.key())
                    .isNotEmpty();
        }
        assertThat(JobFileOptions.namesUnder("embedding"))
                .contains("batch-size", "chunking", "rate-limit")
                .doesNotContain("chunking.max-chars");
    }

    @Test
    void unsetKeysTakeTheDeclaredDefaults() {
        JobConfig c = parse(MINIMAL);
        assertThat(c.source().slot())
                .isEqualTo(SourceOptions.SLOT.defaultValue())
                .isEqualTo(PostgresSourceOptions.SLOT_NAME.defaultValue());
        assertThat(c.source().publication()).isEqualTo(c.source().slot() + "_pub");
        assertThat(c.source().chunkSize()).isEqualTo(SourceOptions.CHUNK_SIZE.defaultValue());
        assertThat(c.source().heartbeat()).isNull();
        JobConfig.Embedding e = c.embedding();
        assertThat(e.batchSize()).isEqualTo(EmbeddingOptions.BATCH_SIZE.defaultValue());
        assertThat(e.maxLinger()).isEqualTo(EmbeddingOptions.MAX_LINGER.defaultValue());
        assertThat(e.maxInFlightBatches())
                .isEqualTo(EmbeddingOptions.MAX_IN_FLIGHT_BATCHES.defaultValue());
        assertThat(e.maxTextChars()).isEqualTo(EmbeddingOptions.MAX_TEXT_CHARS.defaultValue());
        assertThat(e.chunking()).isFalse();
        assertThat(c.sink().batchSize()).isEqualTo(SinkOptions.BATCH_SIZE.defaultValue());
        assertThat(c.sink().maxLinger()).isEqualTo(SinkOptions.MAX_LINGER.defaultValue());
        assertThat(c.sink().hnsw()).isEqualTo(PgVectorSinkOptions.HNSW.defaultValue());
        assertThat(c.checkpoint().interval()).isEqualTo(CheckpointOptions.INTERVAL.defaultValue());
        assertThat(c.checkpoint().dir()).isEqualTo(".pgstream/checkpoints/" + c.source().slot());
        assertThat(c.parallelism()).isEqualTo(JobOptions.PARALLELISM.defaultValue());
        assertThat(c.deadLetterTable()).isEqualTo(JobOptions.DEAD_LETTER_TABLE.defaultValue());
        assertThat(c.bufferTimeout()).isEqualTo(JobOptions.BUFFER_TIMEOUT.defaultValue());
        assertThat(c.restart())
                .isEqualTo(RestartSettings.DEFAULT)
                .isEqualTo(
                        new RestartSettings.ExponentialDelay(
                                RestartOptions.INITIAL_BACKOFF.defaultValue(),
                                RestartOptions.MAX_BACKOFF.defaultValue(),
                                RestartOptions.BACKOFF_MULTIPLIER.defaultValue(),
                                RestartOptions.RESET_THRESHOLD.defaultValue()));
    }

    @Test
    void theOperatorAndClientDefaultsAreTheJobFiles() {
        EmbeddingOperatorConfig operator = Models.operator(parse(MINIMAL).embedding());
        EmbeddingOperatorConfig defaults = EmbeddingOperatorConfig.defaults();
        assertThat(operator.batchSize()).isEqualTo(defaults.batchSize());
        assertThat(operator.maxLinger()).isEqualTo(defaults.maxLinger());
        assertThat(operator.maxInFlightBatches()).isEqualTo(defaults.maxInFlightBatches());
        assertThat(operator.maxTextChars()).isEqualTo(defaults.maxTextChars());

        OpenAiConfig fromFile = Models.openAi(parse(OPENAI).embedding());
        OpenAiConfig builder = OpenAiConfig.builder("http://e/v1", "m", 8).build();
        assertThat(fromFile.requestTimeout())
                .isEqualTo(builder.requestTimeout())
                .isEqualTo(EmbeddingOptions.REQUEST_TIMEOUT.defaultValue());
        assertThat(fromFile.maxAttempts())
                .isEqualTo(builder.maxAttempts())
                .isEqualTo(EmbeddingOptions.MAX_ATTEMPTS.defaultValue());
        assertThat(fromFile.retryAfterMax())
                .isEqualTo(builder.retryAfterMax())
                .isEqualTo(EmbeddingOptions.RETRY_AFTER_MAX.defaultValue());
        assertThat(fromFile.maxConcurrentRequests())
                .isEqualTo(builder.maxConcurrentRequests())
                .isEqualTo(EmbeddingOptions.MAX_CONCURRENT_REQUESTS.defaultValue());
    }

    @Test
    void aTypoOfAKeyForAnotherChoiceIsStillRecognised() {
        assertThatThrownBy(() -> parse(MINIMAL.replace("table: v", "table: v, colection: c")))
                .hasMessage("job.yaml: sink.colection: unknown key (did you mean 'collection'?)");
        assertThatThrownBy(() -> parse(MINIMAL + "restart: {atempts: 3}\n"))
                .hasMessage("job.yaml: restart.atempts: unknown key (did you mean 'attempts'?)");
        assertThatThrownBy(() -> parse(MINIMAL.replace("{body}'", "{body}', bse-url: x")))
                .hasMessage("job.yaml: embedding.bse-url: unknown key (did you mean 'base-url'?)");
        assertThatThrownBy(() -> parse(MINIMAL + "checkpoint: {directory: /x}\n"))
                .hasMessage(
                        "job.yaml: checkpoint.directory: unknown key (known keys: interval, dir)");
    }

    @Test
    void sinkMaxLingerZeroWritesAtTheWritersNextTurn() {
        JobConfig c = parse(MINIMAL.replace("table: v", "table: v, max-linger: 0"));
        assertThat(c.sink().maxLinger()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> parse(MINIMAL.replace("table: v", "table: v, max-linger: -5ms")))
                .hasMessageContaining("job.yaml: sink.max-linger: must be a duration");
        assertThatThrownBy(() -> parse(MINIMAL.replace("{body}'", "{body}', max-linger: 0")))
                .hasMessageContaining("job.yaml: embedding.max-linger: must be");
    }
}
