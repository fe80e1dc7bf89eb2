package io.pgstream.jobs.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Long prose-like test documents: paragraphs of sentences of varied length, from a seed. */
public final class ChunkedDocuments {

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

    private ChunkedDocuments() {}

    /** {@code paragraphs} paragraphs separated by blank lines. */
    public static List<String> paragraphs(long seed, int paragraphs) {
        Random random = new Random(seed);
        List<String> result = new ArrayList<>();
        for (int p = 0; p < paragraphs; p++) {
            result.add(paragraph(random, 3 + random.nextInt(3)));
        }
        return result;
    }

    public static String paragraph(Random random, int sentences) {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences; s++) {
            if (s > 0) {
                sb.append(' ');
            }
            int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                String word = WORDS[random.nextInt(WORDS.length)];
                if (w == 0) {
                    word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                } else {
                    sb.append(' ');
                }
                sb.append(word);
            }
            sb.append('.');
        }
        return sb.toString();
    }

    public static String join(List<String> paragraphs) {
        return String.join("\n\n", paragraphs);
    }
}
