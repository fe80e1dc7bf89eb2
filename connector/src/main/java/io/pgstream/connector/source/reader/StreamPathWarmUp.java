package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.source.split.PostgresSplit;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;

/**
 * Runs synthetic pgoutput transactions through the stream half of the source, the same {@link
 * SlotStreamReader}, assembler, transaction buffer and deserializer a slot's changes take, before a
 * slot is read. A fresh JVM otherwise interprets and compiles that path on the first second of real
 * changes, which then wait hundreds of milliseconds behind the JIT (see bench/README.md, "Where
 * tail --print-at-once's p99 comes from").
 *
 * <p>Nothing leaves it: no connection is opened, no file is written (every transaction fits the
 * memory budget), and the changes go only to the caller's {@code sink}.
 */
public final class StreamPathWarmUp {

    private static final int RELATION_ID = 1;
    private static final long LSN_BASE = 0x1_0000_0000L;

    /** Microseconds between the Unix and the PostgreSQL epoch (2000-01-01). */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private StreamPathWarmUp() {}

    /**
     * Reads up to {@code transactions} synthetic one-change transactions (inserts, updates with the
     * old key, deletes; common column types) and hands each change to {@code sink}, stopping early
     * once {@code budget} has passed.
     *
     * @return the number of changes handed to {@code sink}
     */
    public static long run(int transactions, Duration budget, Consumer<ChangeEvent> sink)
            throws IOException {
        long deadline = System.nanoTime() + budget.toNanos();
        SyntheticStream stream = new SyntheticStream(transactions);
        ChangeEventDeserializationSchema<ChangeEvent> deserializer =
                ChangeEventDeserializationSchema.changeEvents();
        Collector<ChangeEvent> out =
                new Collector<>() {
                    @Override
                    public void collect(ChangeEvent e) {
                        sink.accept(e);
                    }

                    @Override
                    public void close() {}
                };
        long changes = 0;
        try (SlotStreamReader reader =
                new SlotStreamReader(
                        new PostgresSplit(
                                "warm-up",
                                "warm-up",
                                StartingPosition.fromSlot(),
                                StoppingPosition.never()),
                        (slot, publication, start) ->
                                new ReplicationStreamFactory.OpenedStream(stream, 2),
                        Path.of(System.getProperty("java.io.tmpdir"), "pgstream-warm-up"),
                        64L << 20,
                        new SourceMetrics(new UnregisteredMetricsGroup()),
                        System::nanoTime)) {
            long[] handed = {0};
            while (!stream.isDrained() && System.nanoTime() < deadline) {
                reader.read(
                        500,
                        tx -> {
                            try (tx) {
                                var it = tx.changes();
                                while (it.hasNext()) {
                                    deserializer.deserialize(it.next(), out);
                                    handed[0]++;
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException("warm-up change failed", e);
                            }
                        });
            }
            changes = handed[0];
        } catch (java.sql.SQLException e) {
            throw new IOException(e);
        }
        return changes;
    }

    /**
     * A {@link ReplicationStream} that makes up pgoutput messages: one Relation, then Begin, one
     * Insert, Update or Delete, Commit per transaction, in the text format.
     */
    private static final class SyntheticStream implements ReplicationStream {
        /** Distinct transactions made up, then sent again in turn. */
        private static final int DISTINCT = 512;

        private final byte[][][] messages = new byte[DISTINCT][][];
        private final int transactions;
        private int tx;
        private int step;
        private long lsn = LSN_BASE;
        private boolean relationSent;

        SyntheticStream(int transactions) {
            this.transactions = transactions;
        }

        boolean isDrained() {
            return tx >= transactions;
        }

        @Override
        public ByteBuffer readPending() {
            if (isDrained()) {
                return null;
            }
            lsn += 0x40;
            if (!relationSent) {
                relationSent = true;
                return ByteBuffer.wrap(relation());
            }
            int slot = tx % DISTINCT;
            if (messages[slot] == null) {
                messages[slot] = transaction(slot);
            }
            byte[] m = messages[slot][step];
            if (++step == 3) {
                step = 0;
                tx++;
            }
            return ByteBuffer.wrap(m);
        }

        /** Begin, one change, Commit of transaction {@code n}. */
        private static byte[][] transaction(int n) {
            long commitLsn = LSN_BASE + 0x100L * n + 0x80;
            long micros = System.currentTimeMillis() * 1000 - PG_EPOCH_MICROS;
            Message change = new Message();
            change(change, n);
            return new byte[][] {
                new Message().b('B').i64(commitLsn).i64(micros).i32(1000 + n).bytes(),
                change.bytes(),
                new Message().b('C').b(0).i64(commitLsn).i64(commitLsn + 0x30).i64(micros).bytes()
            };
        }

        private static byte[] relation() {
            Message m = new Message().b('R').i32(RELATION_ID).str("public").str("warm_up").b('d');
            String[] names = {"id", "body", "created_at", "price", "active", "doc", "tags"};
            int[] oids = {20, 25, 1184, 1700, 16, 3802, 1009};
            m.i16(names.length);
            for (int i = 0; i < names.length; i++) {
                m.b(i == 0 ? 1 : 0).str(names[i]).i32(oids[i]).i32(-1);
            }
            return m.bytes();
        }

        private static void change(Message m, int n) {
            switch (n % 3) {
                case 0 -> row(m.b('I').i32(RELATION_ID).b('N'), n);
                case 1 -> row(m.b('U').i32(RELATION_ID).b('K').i16(7).text(n).nulls(6).b('N'), n);
                default -> m.b('D').i32(RELATION_ID).b('K').i16(7).text(n).nulls(6);
            }
        }

        private static void row(Message m, int n) {
            m.i16(7)
                    .text(n)
                    .text("change " + n + " with \"quotes\", a tab\tand ünïcödé")
                    .text("2026-12-04 20:58:20." + (100000 + n % 900000) + "+00")
                    .text(n % 10000 + "." + n % 100)
                    .text(n % 2 == 0 ? "t" : "f")
                    .text("{\"n\": " + n + ", \"tags\": [\"a\", \"b\"]}")
                    .text("{a,\"b c\"," + n + "}");
        }

        @Override
        public Lsn lastMessageLsn() {
            return new Lsn(lsn);
        }

        @Override
        public Lsn serverSentLsn() {
            return new Lsn(lsn);
        }

        @Override
        public void acknowledge(Lsn flushed) {}

        @Override
        public void close() {}
    }

    /** A pgoutput message under construction (big-endian, strings zero-terminated). */
    private static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Message b(int v) {
            return write(() -> out.writeByte(v));
        }

        Message i16(int v) {
            return write(() -> out.writeShort(v));
        }

        Message i32(int v) {
            return write(() -> out.writeInt(v));
        }

        Message i64(long v) {
            return write(() -> out.writeLong(v));
        }

        Message str(String s) {
            return write(
                    () -> {
                        out.write(s.getBytes(StandardCharsets.UTF_8));
                        out.writeByte(0);
                    });
        }

        Message text(Object value) {
            byte[] v = String.valueOf(value).getBytes(StandardCharsets.UTF_8);
            return write(
                    () -> {
                        out.writeByte('t');
                        out.writeInt(v.length);
                        out.write(v);
                    });
        }

        Message nulls(int n) {
            for (int i = 0; i < n; i++) {
                b('n');
            }
            return this;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private Message write(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
