package io.pgstream.bench.decoder;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The decoder benchmark with its reference, side by side: {@code pg_recvlogical} drains a pgoutput
 * slot over the same workload (what one slot delivers on this machine), then JMH decodes the
 * captured bytes of that workload, text and binary format, and the ratio is printed.
 *
 * <p>Usage: {@code bench/run decoder [--dsn DSN] [--rows N] [--small-txs N]}.
 */
public final class DecoderBench {

    private DecoderBench() {}

    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, 200_000, 30_000);
        String dsn = a.dsn();
        int rows = a.rows();
        int smallTxs = a.smallTxs();
        String recvlogical = a.pgRecvLogical();
        PgConnectionConfig server = PgConnectionConfig.parse(dsn);
        CorpusCapture capture = new CorpusCapture(server, "bench_decoder");
        String referenceSlot = "bench_decoder_ref";
        String corpusSlot = "bench_decoder_corpus";
        capture.prepare(referenceSlot, corpusSlot);
        try {
            System.err.printf(
                    "workload: %,d-row transaction + %,d small transactions%n", rows, smallTxs);
            Lsn end = capture.workload(rows, smallTxs);

            double referenceSeconds =
                    PgRecvLogical.drain(recvlogical, capture.database(), referenceSlot, end);

            Path text = Path.of("bench/target/corpus-text.bin");
            Path binary = Path.of("bench/target/corpus-binary.bin");
            Corpus textCorpus = capture.capture(corpusSlot, false);
            textCorpus.write(text);
            Corpus binaryCorpus = capture.capture(corpusSlot, true);
            binaryCorpus.write(binary);
            long changes = rows + 3L * smallTxs;

            Options options =
                    new OptionsBuilder()
                            .include(DecoderBenchmark.class.getName())
                            .param("corpus", text.toString(), binary.toString())
                            .forks(1)
                            .warmupIterations(3)
                            .measurementIterations(5)
                            .jvmArgsAppend("-Xmx4g")
                            .build();
            Collection<RunResult> results = new Runner(options).run();

            List<String> lines = new ArrayList<>();
            double referenceRate = changes / referenceSeconds;
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-34s %14s %10s %12s",
                            "run",
                            "changes/s",
                            "MB/s",
                            "vs reference"));
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-34s %,14.0f %10s %11.1fx",
                            "pg_recvlogical (reference, 1 slot)",
                            referenceRate,
                            "-",
                            1.0));
            for (RunResult r : results) {
                String corpus = r.getParams().getParam("corpus");
                Corpus c = corpus.equals(text.toString()) ? textCorpus : binaryCorpus;
                double seconds = r.getPrimaryResult().getScore() / 1000.0;
                double rate = changes / seconds;
                lines.add(
                        String.format(
                                Locale.ROOT,
                                "%-34s %,14.0f %10.1f %11.1fx",
                                "pgstream decoder, "
                                        + (c == textCorpus ? "text" : "binary")
                                        + " format",
                                rate,
                                c.totalBytes() / seconds / 1e6,
                                rate / referenceRate));
            }
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "Decoder benchmark: %,d changes, %,d messages (%.1f MB text, %.1f MB binary)%n",
                    changes,
                    textCorpus.messages.length,
                    textCorpus.totalBytes() / 1e6,
                    binaryCorpus.totalBytes() / 1e6);
            lines.forEach(System.out::println);
        } finally {
            capture.cleanup(referenceSlot, corpusSlot);
        }
    }
}
