package io.pgstream.bench.peers;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.pgstream.bench.freshness.ChangeReader;
import io.pgstream.bench.freshness.Latencies;
import io.pgstream.bench.freshness.LatencyLog;
import io.pgstream.connector.connection.PgConnectionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium's embedded engine as a freshness reader: each insert's Connect record is stamped in the
 * engine's handler against the commit time Debezium carries ({@code source.ts_us}, microseconds),
 * then discarded; no converter runs.
 */
final class DebeziumReader implements ChangeReader {

    private final PgConnectionConfig db;
    private final String slot;
    private final String publication;
    private final String table;
    private final LatencyLog log = new LatencyLog();
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final Integer pollMillis;
    private DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;

    /** {@code pollMillis}: {@code poll.interval.ms}, or null for Debezium's default (500 ms). */
    DebeziumReader(
            PgConnectionConfig db,
            String slot,
            String publication,
            String table,
            Integer pollMillis) {
        this.db = db;
        this.slot = slot;
        this.publication = publication;
        this.table = table;
        this.pollMillis = pollMillis;
    }

    @Override
    public String name() {
        return "Debezium 3.3 embedded, handler"
                + (pollMillis == null ? "" : ", poll.interval.ms=" + pollMillis);
    }

    @Override
    public void start(Probe probe) throws Exception {
        String topic = "." + table;
        Properties properties = DebeziumProperties.streaming(db, slot, publication, table);
        if (pollMillis != null) {
            properties.setProperty("poll.interval.ms", pollMillis.toString());
        }
        engine =
                DebeziumEngine.create(Connect.class)
                        .using(properties)
                        .notifying(
                                (ChangeEvent<SourceRecord, SourceRecord> event) -> {
                                    SourceRecord r = event.value();
                                    if (r != null
                                            && r.value() instanceof Struct value
                                            && r.topic().endsWith(topic)
                                            && "c".equals(value.getString("op"))) {
                                        stamp(value);
                                    }
                                })
                        .build();
        executor.execute(engine);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!log.awaitBeyond(0, Duration.ofSeconds(2))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Debezium saw no change in 3 minutes");
            }
            probe.insert();
        }
    }

    private void stamp(Struct value) {
        long micros = value.getStruct("source").getInt64("ts_us");
        Object body = value.getStruct("after").get("body");
        log.seen(
                Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000),
                body instanceof String s && s.startsWith(LatencyLog.MEASURED));
    }

    @Override
    public Latencies await(int expected) throws Exception {
        return log.await(name(), expected, Duration.ofMinutes(2));
    }

    @Override
    public void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
        executor.shutdownNow();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }
}
