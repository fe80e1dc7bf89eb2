package io.pgstream.connector.source;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs in a child JVM with a small heap (see {@link LargeTransactionITCase}): reads a slot to the
 * current WAL end on a local mini-cluster and prints how many changes arrived and whether their ids
 * were strictly increasing.
 */
public final class LargeTransactionJob {

    static final AtomicLong COUNT = new AtomicLong();
    static final AtomicLong LAST_ID = new AtomicLong(-1);
    static volatile boolean ordered = true;

    public static void main(String[] args) throws Exception {
        PgConnectionConfig connection = PgConnectionConfig.parse(args[0]);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSource(
                        PostgresSource.<ChangeEvent>builder()
                                .connection(connection)
                                .slotName(args[1])
                                .publicationName(args[2])
                                .startupMode(StartupMode.LATEST)
                                .deserializer(ChangeEventDeserializationSchema.changeEvents())
                                .stopAt(StoppingPosition.currentWalEnd())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "postgres")
                .sinkTo(new CountingSink());
        env.execute("large transaction");
        System.out.println(
                "count="
                        + COUNT.get()
                        + " ordered="
                        + ordered
                        + " maxHeap="
                        + Runtime.getRuntime().maxMemory());
    }

    /** Counts and checks order in the mini-cluster's JVM; keeps nothing. */
    static final class CountingSink implements Sink<ChangeEvent> {
        @Override
        public SinkWriter<ChangeEvent> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(ChangeEvent e, Context ctx) {
                    long id = ((Number) e.row().get("id")).longValue();
                    if (id <= LAST_ID.getAndSet(id)) {
                        ordered = false;
                    }
                    COUNT.incrementAndGet();
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
