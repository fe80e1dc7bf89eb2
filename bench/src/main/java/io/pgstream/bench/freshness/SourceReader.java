package io.pgstream.bench.freshness;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.source.PostgresSource;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * pgstream's DataStream source on a local mini-cluster (checkpoints every second, as {@code tail}),
 * into a sink that stamps each change as it arrives: commit → record emitted by the source.
 */
public final class SourceReader implements ChangeReader {

    static volatile LatencyLog log = new LatencyLog();

    private final PgConnectionConfig db;
    private final String slot;
    private final String publication;
    private JobClient job;

    public SourceReader(PgConnectionConfig db, String slot, String publication) {
        this.db = db;
        this.slot = slot;
        this.publication = publication;
    }

    @Override
    public String name() {
        return "pgstream source (DataStream), emitted";
    }

    @Override
    public void start(Probe probe) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.enableCheckpointing(1000);
        env.fromSource(
                        PostgresSource.<ChangeEvent>builder()
                                .connection(db)
                                .slotName(slot)
                                .publicationName(publication)
                                .existingSlotOnly()
                                .startupMode(StartupMode.LATEST)
                                .deserializer(ChangeEventDeserializationSchema.changeEvents())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "postgres")
                .sinkTo(new StampingSink());
        job = env.executeAsync("freshness source");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!log.awaitBeyond(0, Duration.ofSeconds(2))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the source saw no change in 2 minutes");
            }
            probe.insert();
        }
    }

    @Override
    public Latencies await(int expected) throws Exception {
        return log.await(name(), expected, Duration.ofMinutes(2));
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
    }

    /** Stamps inserts in the mini-cluster's JVM, which is this one. */
    static final class StampingSink implements Sink<ChangeEvent> {
        @Override
        public SinkWriter<ChangeEvent> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(ChangeEvent e, Context ctx) {
                    if (e.operation() == Operation.INSERT && e.commitTime() != null) {
                        Object body = e.row().get("body");
                        log.seen(
                                e.commitTime(),
                                body instanceof String
                                        && ((String) body).startsWith(LatencyLog.MEASURED));
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
