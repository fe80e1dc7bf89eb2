package io.pgstream.connector.source;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.connection.PgjdbcRelease;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.source.enumerator.PostgresEnumeratorState;
import io.pgstream.connector.source.enumerator.PostgresEnumeratorStateSerializer;
import io.pgstream.connector.source.enumerator.PostgresSourceEnumerator;
import io.pgstream.connector.source.enumerator.SplitDiscovery;
import io.pgstream.connector.source.reader.Heartbeat;
import io.pgstream.connector.source.reader.PgjdbcReplicationStreamFactory;
import io.pgstream.connector.source.reader.PostgresRecordEmitter;
import io.pgstream.connector.source.reader.PostgresSourceFetcherManager;
import io.pgstream.connector.source.reader.PostgresSourceReader;
import io.pgstream.connector.source.reader.PostgresSplitReader;
import io.pgstream.connector.source.reader.ReplicationStreamFactory;
import io.pgstream.connector.source.reader.SourceMetrics;
import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.source.split.PostgresSplitSerializer;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink source of PostgreSQL changes read from logical replication slots with {@code pgoutput}.
 *
 * <pre>{@code
 * PostgresSource<ChangeEvent> source =
 *     PostgresSource.<ChangeEvent>builder()
 *         .dsn("postgresql://replicator@db:5432/app")
 *         .tables("public.documents")
 *         .slotName("docs_sync")
 *         .deserializer(ChangeEventDeserializationSchema.changeEvents())
 *         .build();
 * env.enableCheckpointing(10_000);
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "postgres");
 * }</pre>
 *
 * <p>One slot is one split read by one subtask. The split state is the commit LSN of the last
 * transaction fully emitted, and the slot is acknowledged only when a checkpoint covering it
 * completes, so a restore neither loses nor repeats a change.
 */
public final class PostgresSource<T>
        implements Source<T, PostgresSplit, PostgresEnumeratorState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final PgConnectionConfig connection;
    private final Configuration options;
    private final SplitDiscovery discovery;
    private final boolean bounded;
    private final ChangeEventDeserializationSchema<T> deserializer;

    PostgresSource(
            PgConnectionConfig connection,
            Configuration options,
            SplitDiscovery discovery,
            boolean bounded,
            ChangeEventDeserializationSchema<T> deserializer) {
        this.connection = connection;
        this.options = options;
        this.discovery = discovery;
        this.bounded = bounded;
        this.deserializer = deserializer;
    }

    public static <T> PostgresSourceBuilder<T> builder() {
        return new PostgresSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, PostgresSplit> createReader(SourceReaderContext context) {
        PgjdbcRelease.registerWith(context.getUserCodeClassLoader());
        SourceMetrics metrics = new SourceMetrics(context.metricGroup());
        ReplicationStreamFactory streams =
                new PgjdbcReplicationStreamFactory(
                        connection,
                        options.get(PostgresSourceOptions.VALUE_FORMAT)
                                == PostgresSourceOptions.ValueFormat.BINARY,
                        options.get(PostgresSourceOptions.STATUS_INTERVAL),
                        options.get(PostgresSourceOptions.SLOT_BUSY_TIMEOUT));
        Path spill =
                Path.of(
                        options.getOptional(PostgresSourceOptions.SPILL_DIRECTORY)
                                .orElse(System.getProperty("java.io.tmpdir")));
        long budget = options.get(PostgresSourceOptions.TRANSACTION_MEMORY).getBytes();
        int maxMessages = options.get(PostgresSourceOptions.FETCH_MAX_MESSAGES);
        Heartbeat heartbeat =
                new Heartbeat(connection, options.get(PostgresSourceOptions.HEARTBEAT_INTERVAL));
        PostgresSourceFetcherManager fetcherManager =
                new PostgresSourceFetcherManager(
                        () ->
                                new PostgresSplitReader(
                                        connection,
                                        streams,
                                        spill,
                                        budget,
                                        maxMessages,
                                        metrics,
                                        heartbeat),
                        options);
        return new PostgresSourceReader<>(
                fetcherManager,
                new PostgresRecordEmitter<>(deserializer, metrics),
                options,
                context,
                options.get(PostgresSourceOptions.ACK_MODE));
    }

    @Override
    public SplitEnumerator<PostgresSplit, PostgresEnumeratorState> createEnumerator(
            SplitEnumeratorContext<PostgresSplit> context) {
        return new PostgresSourceEnumerator(
                context, discovery, bounded, PostgresEnumeratorState.initial());
    }

    @Override
    public SplitEnumerator<PostgresSplit, PostgresEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<PostgresSplit> context, PostgresEnumeratorState checkpoint) {
        return new PostgresSourceEnumerator(context, discovery, bounded, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<PostgresSplit> getSplitSerializer() {
        return PostgresSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<PostgresEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new PostgresEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}
