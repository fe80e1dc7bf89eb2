package io.pgstream.bench.decoder;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.ChangeEventAssembler;
import io.pgstream.connector.pgoutput.TransactionListener;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decodes a captured corpus end to end, bytes to typed {@link ChangeEvent}s: message parsing,
 * relation lookup, value decoding and event building. One operation is the whole corpus; {@link
 * DecoderBench} turns the time into changes/s and MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DecoderBenchmark {

    @Param({"bench/target/corpus-text.bin"})
    public String corpus;

    private Corpus data;
    private Lsn[] lsns;

    @Setup
    public void load() throws Exception {
        data = Corpus.read(Path.of(corpus));
        lsns = new Lsn[data.lsns.length];
        for (int i = 0; i < lsns.length; i++) {
            lsns[i] = new Lsn(data.lsns[i]);
        }
    }

    @Benchmark
    public long decodeCorpus(Blackhole bh) {
        CountingListener listener = new CountingListener(bh);
        ChangeEventAssembler assembler = new ChangeEventAssembler(data.protocolVersion, listener);
        byte[][] messages = data.messages;
        for (int i = 0; i < messages.length; i++) {
            assembler.accept(lsns[i], ByteBuffer.wrap(messages[i]));
        }
        return listener.changes;
    }

    /** Consumes every event so the JIT cannot drop the work. */
    static final class CountingListener implements TransactionListener {
        private final Blackhole bh;
        long changes;

        CountingListener(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void begin(long xid, Lsn commitLsn, Instant commitTime) {}

        @Override
        public void streamStart(long xid, boolean firstSegment) {}

        @Override
        public void change(long xid, long subXid, ChangeEvent event, int wireSize) {
            changes++;
            if (bh != null) {
                bh.consume(event);
            }
        }

        @Override
        public void streamStop() {}

        @Override
        public void commit(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime) {}

        @Override
        public void streamAbort(long xid, long subXid) {}
    }
}
