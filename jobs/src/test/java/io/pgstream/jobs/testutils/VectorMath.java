package io.pgstream.jobs.testutils;

/** Vector arithmetic the tests and the testing servers compute the way the real stores do. */
public final class VectorMath {
    private VectorMath() {}

    /** Cosine similarity of two vectors of equal length. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
