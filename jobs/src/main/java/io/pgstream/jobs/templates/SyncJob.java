package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.source.PostgresSource;
import io.pgstream.connector.source.PostgresSourceBuilder;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.jobs.document.CurrentRowReader;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.document.DocumentMapper;
import io.pgstream.jobs.document.DocumentMapping;
import io.pgstream.jobs.document.TextTemplate;
import io.pgstream.jobs.embedding.EmbeddingOperator;
import io.pgstream.jobs.embedding.EmbeddingStage;
import io.pgstream.jobs.sink.VectorWrite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The sync job: a PostgreSQL table kept equal to a vector index. Source (snapshot, then the slot's
 * changes) → {@link DocumentMapper} (key, text, metadata, version) → the embedding stage (batched,
 * per-key ordered, skipping unchanged texts) → the vector sink (flushed on every checkpoint, so the
 * slot is acknowledged only for writes that are durable); rows the model refuses go to the
 * dead-letter table.
 *
 * <p>Runs with {@code pgstream sync --config job.yaml} on an embedded mini-cluster, or on any Flink
 * cluster: {@code flink run -d jobs/target/pgstream-jobs-flink.jar --config job.yaml} (the job file
 * is read where {@code flink run} runs; the cluster's checkpoint settings apply, the job file's
 * interval only when the cluster sets none, since the slot only advances on completed checkpoints;
 * likewise its {@code restart:} section; for {@code model: local} the cluster needs {@code
 * jobs/target/flink-lib} in its {@code lib/}, see the README). {@code StandaloneClusterITCase} runs
 * it so on a real multi-process cluster.
 */
public final class SyncJob {

    private SyncJob() {}

    /** Entry point for {@code flink run}: {@code --config job.yaml}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !"--config".equals(args[0])) {
            throw new IllegalArgumentException("usage: SyncJob --config job.yaml");
        }
        JobConfig config = JobConfigLoader.load(Path.of(args[1]));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (env.getCheckpointConfig().getCheckpointInterval() <= 0) {
            env.enableCheckpointing(config.checkpoint().interval().toMillis());
        }
        config.restart().applyUnlessSet(env);
        build(env, config);
        VectorStores.prepare(config).ifPresent(System.err::println);
        env.execute(jobName(config));
    }

    /** The job's name: which slot feeds which index. */
    public static String jobName(JobConfig config) {
        return "pgstream sync " + config.source().slot() + " -> " + VectorStores.describe(config);
    }

    /**
     * Adds the sync pipeline to {@code env}; checks the source tables' keys and text columns first.
     */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        PgConnectionConfig source = PgConnectionConfig.parse(config.source().dsn());
        JobDocuments resolved = JobDocuments.resolve(config);
        TextTemplate text = resolved.text();
        Map<String, List<String>> keys = resolved.keys();
        JobConfig.Embedding e = config.embedding();
        env.setParallelism(config.parallelism());
        env.setBufferTimeout(config.bufferTimeout().toMillis());

        DataStream<ChangeEvent> changes =
                env.fromSource(
                                source(source, config.source()),
                                WatermarkStrategy.noWatermarks(),
                                "postgres")
                        .uid("pgstream-source");
        DataStream<DocumentChange> documents =
                changes.flatMap(
                                new DocumentMapping(
                                        new DocumentMapper(keys, text),
                                        new CurrentRowReader.Spec(source, keys)))
                        .returns(TypeInformation.of(DocumentChange.class))
                        .name("documents")
                        .uid("pgstream-documents");
        SingleOutputStreamOperator<VectorWrite> writes =
                EmbeddingStage.apply(
                        documents,
                        Models.factory(e),
                        VectorStores.lookup(config),
                        Models.operator(e),
                        config.parallelism());
        writes.sinkTo(VectorStores.sink(config))
                .name(VectorStores.describe(config))
                .uid("pgstream-vectors")
                .setParallelism(config.parallelism());
        writes.getSideOutput(EmbeddingOperator.DEAD_LETTERS)
                .sinkTo(VectorStores.deadLetters(config))
                .name("dead letters " + config.deadLetterTable())
                .uid("pgstream-dead-letters")
                .setParallelism(1);
    }

    private static PostgresSource<ChangeEvent> source(
            PgConnectionConfig connection, JobConfig.Source s) {
        PostgresSourceBuilder<ChangeEvent> b =
                PostgresSource.<ChangeEvent>builder()
                        .connection(connection)
                        .slotName(s.slot())
                        .publicationName(s.publication())
                        .tables(s.tables().toArray(String[]::new))
                        .startupMode(s.startupMode())
                        .snapshotChunkRows(s.chunkSize())
                        .deserializer(ChangeEventDeserializationSchema.changeEvents());
        if (s.startupMode() == StartupMode.LSN) {
            b.startAtLsn(s.startLsn());
        }
        if (s.heartbeat() != null) {
            b.heartbeatInterval(s.heartbeat());
        }
        return b.build();
    }
}
