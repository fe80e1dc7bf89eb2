package io.pgstream.bench.chunks;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.embedding.EmbeddingOperatorConfig;
import io.pgstream.jobs.embedding.EmbeddingStage;
import io.pgstream.jobs.embedding.TextChunker;
import io.pgstream.jobs.sink.ContentHashLookup;
import io.pgstream.jobs.sink.VectorWrite;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What an edit of a long chunked document costs in model input: characters and chunks the embedding
 * operator sends for (a) one word changed in the middle, (b) a paragraph inserted near the start,
 * (c) a metadata-only change, beside re-embedding the whole new text. Each upsert runs as its own
 * mini-cluster job through the real {@link EmbeddingStage}, with a counting model and an in-memory
 * index that keeps what the previous job wrote and answers the operator's lookups. Counts, not
 * timings.
 *
 * <p>Usage: {@code bench/run chunk-edits [--paragraphs N] [--max-chars C]}.
 */
public final class ChunkEditsBench {

    private static final String TABLE = "public.bench_chunks";
    static final List<String> SENT = new CopyOnWriteArrayList<>();
    static final Map<String, VectorWrite> STORED = new ConcurrentHashMap<>();

    private ChunkEditsBench() {}

    public static void main(String[] args) throws Exception {
        int paragraphs = 40;
        int maxChars = 500;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--paragraphs" -> paragraphs = Integer.parseInt(args[++i]);
                case "--max-chars" -> maxChars = Integer.parseInt(args[++i]);
                case "--dsn" -> i++; // bench/run's common argument; no database is used
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        TextChunker chunker = TextChunker.characters(maxChars, maxChars / 8);
        List<String> base = paragraphs(1, paragraphs);
        List<String> word = new ArrayList<>(base);
        String middle = word.get(paragraphs / 2);
        int at = middle.indexOf(' ', middle.length() / 2);
        word.set(
                paragraphs / 2,
                middle.substring(0, at + 1)
                        + "edited"
                        + middle.substring(middle.indexOf(' ', at + 1)));
        List<String> inserted = new ArrayList<>(base);
        inserted.add(2, paragraph(new Random(99), 4));

        String baseText = String.join("\n\n", base);
        System.out.printf(
                Locale.ROOT,
                "document: %d paragraphs, %,d chars, %d chunks (max-chars %d, overlap %d)%n",
                paragraphs,
                baseText.length(),
                chunker.split(baseText).size(),
                maxChars,
                maxChars / 8);
        System.out.printf(
                Locale.ROOT,
                "%-34s %12s %12s %12s %12s %8s %8s%n",
                "edit",
                "chunks sent",
                "chars sent",
                "whole doc ch",
                "whole chars",
                "chunks",
                "chars");
        run(chunker, baseText, "{}"); // the index holds the document
        report(
                chunker,
                "(a) one word changed, middle",
                run(chunker, String.join("\n\n", word), "{}"),
                String.join("\n\n", word));
        run(chunker, baseText, "{}");
        report(
                chunker,
                "(b) paragraph inserted near start",
                run(chunker, String.join("\n\n", inserted), "{}"),
                String.join("\n\n", inserted));
        run(chunker, baseText, "{}");
        report(chunker, "(c) metadata only", run(chunker, baseText, "{\"v\":2}"), baseText);
    }

    private static void report(TextChunker chunker, String edit, List<String> sent, String text) {
        List<String> whole = chunker.split(text);
        long sentChars = sent.stream().mapToLong(String::length).sum();
        long wholeChars = whole.stream().mapToLong(String::length).sum();
        System.out.printf(
                Locale.ROOT,
                "%-34s %12d %,12d %12d %,12d %7.3fx %7.3fx%n",
                edit,
                sent.size(),
                sentChars,
                whole.size(),
                wholeChars,
                (double) sent.size() / whole.size(),
                (double) sentChars / wholeChars);
    }

    /** One upsert of row 1 through the embedding stage; the texts the model was sent. */
    private static List<String> run(TextChunker chunker, String text, String metadata)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        DocumentChange change =
                DocumentChange.upsert(TABLE, "1", text, metadata, new Lsn(1), Instant.EPOCH);
        EmbeddingStage.apply(
                        env.fromData(List.of(change), TypeInformation.of(DocumentChange.class)),
                        CountingModel::new,
                        StoredIndex::new,
                        EmbeddingOperatorConfig.defaults()
                                .withBatchSize(64)
                                .withMaxLinger(Duration.ofMillis(20))
                                .withChunker(chunker),
                        1)
                .sinkTo(new Store());
        SENT.clear();
        env.execute("chunk edits bench");
        return List.copyOf(SENT);
    }

    /** Deterministic vectors; records every text it is sent. */
    static final class CountingModel implements EmbeddingModel {
        @Override
        public int dimensions() {
            return 4;
        }

        @Override
        public String id() {
            return "counting";
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            SENT.addAll(texts);
            List<float[]> out = new ArrayList<>();
            for (String t : texts) {
                out.add(new float[] {t.length(), t.hashCode(), 1, 0});
            }
            return out;
        }
    }

    /** The index as the previous job left it: the row's hash and its chunks' vectors. */
    static final class StoredIndex implements ContentHashLookup {
        @Override
        public Map<String, String> contentHashes(String sourceTable, Collection<String> ids) {
            Map<String, String> out = new HashMap<>();
            for (String id : ids) {
                VectorWrite w = STORED.get(id);
                if (w != null) {
                    out.put(id, w.contentHash());
                }
            }
            return out;
        }

        @Override
        public Map<String, float[]> storedVectors(
                String sourceTable, Collection<String> ids, Collection<String> contents) {
            Map<String, float[]> out = new HashMap<>();
            for (String id : ids) {
                VectorWrite w = STORED.get(id);
                for (VectorWrite.Chunk c : w == null ? List.<VectorWrite.Chunk>of() : w.chunks()) {
                    if (contents.contains(c.content())) {
                        out.put(c.content(), c.embedding());
                    }
                }
            }
            return out;
        }
    }

    /** Keeps each row's last upsert, as a vector index would. */
    static final class Store implements Sink<VectorWrite> {
        @Override
        public SinkWriter<VectorWrite> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(VectorWrite w, Context ctx) {
                    if (w.kind() == VectorWrite.Kind.UPSERT) {
                        STORED.put(w.id(), w);
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    private static final String[] WORDS = {
        "stream",
        "replication",
        "slot",
        "vector",
        "index",
        "change",
        "table",
        "commit",
        "ordered",
        "sentence",
        "paragraph",
        "model",
        "the",
        "a",
        "of",
        "and",
        "every",
        "row",
        "keeps",
        "writes",
        "reads",
        "quickly",
        "server",
        "checkpoint",
        "restores",
        "embedding",
        "chunk",
        "document",
        "metadata",
        "version",
        "guard",
        "lsn",
        "sink",
        "source",
        "operator",
        "batch"
    };

    /** Prose-like paragraphs of 3 to 5 sentences, from a seed. */
    static List<String> paragraphs(long seed, int n) {
        Random random = new Random(seed);
        List<String> result = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            result.add(paragraph(random, 3 + random.nextInt(3)));
        }
        return result;
    }

    static String paragraph(Random random, int sentences) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            if (s > 0) {
                sb.append(' ');
            }
            int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                String word = WORDS[random.nextInt(WORDS.length)];
                sb.append(
                        w == 0
                                ? Character.toUpperCase(word.charAt(0)) + word.substring(1)
                                : " " + word);
            }
            sb.append('.');
        }
        return sb.toString();
    }
}
