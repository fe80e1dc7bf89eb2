package io.pgstream.bench.embedding;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.embedding.EmbeddingOperatorConfig;
import io.pgstream.jobs.embedding.EmbeddingStage;
import io.pgstream.jobs.embedding.LocalMiniLmEmbeddingModel;
import io.pgstream.jobs.sink.VectorWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * End-to-end embedding rate beside the model alone, same run, same texts, same batch size: the
 * local MiniLM embeds N distinct sentences in batches of B on one thread (the reference), then the
 * same sentences as upserts of N rows go through the embedding operator on a mini-cluster
 * (parallelism 1) into a discarding sink. The operator's time is measured at the sink, from the
 * job's start minus a mini-cluster start measured with an empty job.
 *
 * <p>Usage: {@code bench/run embedding [--texts N] [--batch B] [--in-flight K]}.
 */
public final class EmbeddingBench {

    static final AtomicLong COUNT = new AtomicLong();

    private EmbeddingBench() {}

    public static void main(String[] args) throws Exception {
        int texts = 20_000;
        int batch = 64;
        int inFlight = 1; // the local model already uses every core per call
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--texts" -> texts = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--dsn" -> i++; // bench/run's common argument; no database is used
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        List<String> corpus = sentences(texts);
        EmbeddingModel model = LocalMiniLmEmbeddingModel.open(); // held: the job shares it
        model.embed(corpus.subList(0, Math.min(batch, corpus.size()))); // load and warm up

        long start = System.nanoTime();
        for (int from = 0; from < corpus.size(); from += batch) {
            model.embed(corpus.subList(from, Math.min(corpus.size(), from + batch)));
        }
        double alone = (System.nanoTime() - start) / 1e9;

        emptyJob(); // the first mini-cluster start is the slowest
        double startup = emptyJob();
        double total = operatorJob(corpus, batch, inFlight);
        model.close();
        if (COUNT.get() != texts) {
            throw new IllegalStateException("the sink got " + COUNT.get() + " writes");
        }
        double operator = Math.max(0.001, total - startup);

        System.out.printf(Locale.ROOT, "%-52s %10s %9s %7s%n", "run", "rows/s", "seconds", "ratio");
        System.out.printf(
                Locale.ROOT,
                "%-52s %,10.0f %9.1f %7s%n",
                "local MiniLM alone, batch " + batch + " (reference)",
                texts / alone,
                alone,
                "1.00");
        System.out.printf(
                Locale.ROOT,
                "%-52s %,10.0f %9.1f %7.2f%n",
                "EmbeddingOperator p=1, batch " + batch + ", " + inFlight + " in flight",
                texts / operator,
                operator,
                alone / operator);
        System.out.printf(
                Locale.ROOT,
                "(%,d distinct sentences; operator job took %.1f s, %.1f s of it the mini-cluster's"
                        + " start)%n",
                texts,
                total,
                startup);
    }

    /** Distinct English-like sentences of 12 to 30 words. */
    static List<String> sentences(int n) {
        String[] words =
                ("the a database replication stream vector index search query table row column"
                                + " update insert delete commit transaction log slot server"
                                + " client model text embedding similar meaning fast slow"
                                + " large small order key value change document chunk batch")
                        .split(" ");
        Random random = new Random(42);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder("Row ").append(i);
            int len = 12 + random.nextInt(19);
            for (int w = 0; w < len; w++) {
                sb.append(' ').append(words[random.nextInt(words.length)]);
            }
            out.add(sb.append('.').toString());
        }
        return out;
    }

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    private static double emptyJob() throws Exception {
        StreamExecutionEnvironment env = env();
        env.fromSequence(1, 1).sinkTo(new Discard<>());
        long start = System.nanoTime();
        env.execute("empty");
        return (System.nanoTime() - start) / 1e9;
    }

    private static double operatorJob(List<String> corpus, int batch, int inFlight)
            throws Exception {
        List<DocumentChange> changes = new ArrayList<>(corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            changes.add(
                    DocumentChange.upsert(
                            "public.bench_embedding",
                            Integer.toString(i),
                            corpus.get(i),
                            "{}",
                            new Lsn(i + 1),
                            Instant.EPOCH));
        }
        StreamExecutionEnvironment env = env();
        EmbeddingStage.apply(
                        env.fromData(changes, TypeInformation.of(DocumentChange.class)),
                        LocalMiniLmEmbeddingModel.factory(),
                        null,
                        EmbeddingOperatorConfig.defaults()
                                .withBatchSize(batch)
                                .withMaxInFlightBatches(inFlight)
                                .withMaxLinger(Duration.ofMillis(50))
                                .withMaxBufferedRows(Math.max(1000, batch * (inFlight + 2))),
                        1)
                .sinkTo(new Discard<>());
        COUNT.set(0);
        long start = System.nanoTime();
        env.execute("embedding bench");
        return (System.nanoTime() - start) / 1e9;
    }

    /** Counts records in the mini-cluster's JVM and keeps nothing. */
    static final class Discard<T> implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                private long n;

                @Override
                public void write(T element, Context ctx) {
                    if (element instanceof VectorWrite) {
                        n++;
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {
                    COUNT.addAndGet(n);
                }
            };
        }
    }
}
