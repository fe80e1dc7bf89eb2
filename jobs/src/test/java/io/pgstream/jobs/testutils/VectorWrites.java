package io.pgstream.jobs.testutils;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;

/** Builds {@link VectorWrite}s with small deterministic vectors for sink tests. */
public final class VectorWrites {
    public static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private VectorWrites() {}

    /** A vector of {@code dims} values derived from {@code seed}, never all zero. */
    public static float[] vector(int dims, int seed) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) Math.sin(seed * 31 + i + 1);
        }
        return v;
    }

    /** An upsert of {@code chunks} chunks whose contents are {@code text#k}. */
    public static VectorWrite upsert(
            String table, String id, String text, int chunks, int dims, long lsn) {
        List<VectorWrite.Chunk> list = new ArrayList<>();
        for (int k = 0; k < chunks; k++) {
            list.add(new VectorWrite.Chunk(k, text + "#" + k, vector(dims, text.hashCode() + k)));
        }
        return VectorWrite.upsert(
                table,
                id,
                list,
                "hash-" + text,
                "{\"title\":\"" + jsonEscape(text) + "\",\"n\":" + lsn + "}",
                new Lsn(lsn),
                at(lsn));
    }

    public static VectorWrite metadata(String table, String id, String json, long lsn) {
        return VectorWrite.metadata(table, id, json, new Lsn(lsn), at(lsn));
    }

    public static VectorWrite delete(String table, String id, long lsn) {
        return VectorWrite.delete(table, id, new Lsn(lsn), at(lsn));
    }

    public static VectorWrite truncate(String table, long lsn) {
        return VectorWrite.truncate(table, new Lsn(lsn), at(lsn));
    }

    /**
     * Writes each list through {@code writer}, flushing (committing) after each, then closes it:
     * how the writer tests apply changes the way a checkpointed job would.
     */
    @SafeVarargs
    public static void applyAndClose(SinkWriter<VectorWrite> writer, List<VectorWrite>... batches)
            throws Exception {
        try (writer) {
            for (List<VectorWrite> batch : batches) {
                for (VectorWrite write : batch) {
                    writer.write(write, null);
                }
                writer.flush(false);
            }
        }
    }

    /**
     * The commit time of a write at {@code lsn}: {@code T0} plus {@code lsn} seconds (modulo 2^32,
     * so LSNs above the sign bit still give a valid instant).
     */
    public static Instant at(long lsn) {
        return T0.plusSeconds(Long.remainderUnsigned(lsn, 1L << 32));
    }

    private static String jsonEscape(String s) {
        return s.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("\n", "\\n")
                .replace("\t", "\\t");
    }
}
