package io.pgstream.jobs.sink.pgvector;

/**
 * pgvector's text form of a vector, {@code [1.5,-2.0E-4,3.0]}, which its input function parses
 * (Java's float notation is accepted); also parses it back for search results.
 */
public final class VectorText {
    private VectorText() {}

    public static String format(float[] v) {
        StringBuilder sb = new StringBuilder(v.length * 12 + 2).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            float f = v[i];
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException(
                        "pgvector cannot store " + f + " (element " + i + " of the vector)");
            }
            sb.append(f);
        }
        return sb.append(']').toString();
    }
}
