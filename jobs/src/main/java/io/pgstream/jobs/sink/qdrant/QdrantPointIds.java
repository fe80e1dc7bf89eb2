package io.pgstream.jobs.sink.qdrant;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic Qdrant point ids: the name-based UUID, version 5 (SHA-1, RFC 9562), of {@code table
 * + '\0' + id + '\0' + chunk} in UTF-8 under the fixed {@link #NAMESPACE}. Any key works (text,
 * composite as JSON array, uuid), a re-sent chunk always lands on the same point, and other tools
 * can compute the same id (Python: {@code uuid.uuid5(NAMESPACE, f"{table}\0{id}\0{chunk}")}).
 */
public final class QdrantPointIds {

    /** pgstream's namespace for point ids; never change it, stored ids depend on it. */
    public static final UUID NAMESPACE = UUID.fromString("5f3c7a1e-2b4d-4c8e-9a61-70b1d2e3f405");

    private QdrantPointIds() {}

    public static UUID pointId(String sourceTable, String id, int chunk) {
        return uuid5(NAMESPACE, sourceTable + '\u0000' + id + '\u0000' + chunk);
    }

    /** RFC 9562 version-5 UUID of {@code name} (UTF-8) in {@code namespace}. */
    public static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }
}
