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

    /** Parses pgvector's text output, {@code [1.5,-0.0002,3]}, back into a vector. */
    public static float[] parse(String text) {
        String body = text.trim();
        if (body.length() < 2 || body.charAt(0) != '[' || body.charAt(body.length() - 1) != ']') {
            throw new IllegalArgumentException("not a pgvector value: " + body);
        }
        body = body.substring(1, body.length() - 1).trim();
        if (body.isEmpty()) {
            return new float[0];
        }
        String[] parts = body.split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Float.parseFloat(parts[i].trim());
        }
        return v;
    }
}
