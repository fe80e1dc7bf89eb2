package io.pgstream.jobs.sink.pgvector;

/**
 * Writes rows in {@code COPY … FROM STDIN} text format: tab-separated, {@code \N} for null, and
 * backslash, tab, newline and carriage return escaped, so any text (JSON included) round-trips.
 */
public final class CopyText {
    private CopyText() {}

    public static void row(StringBuilder out, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            String v = values[i];
            if (v == null) {
                out.append("\\N");
                continue;
            }
            for (int k = 0; k < v.length(); k++) {
                char ch = v.charAt(k);
                switch (ch) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(ch);
                }
            }
        }
        out.append('\n');
    }
}
