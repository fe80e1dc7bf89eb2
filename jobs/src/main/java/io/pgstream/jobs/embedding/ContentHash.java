package io.pgstream.jobs.embedding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash stored beside every vector: lower-case hex SHA-256 of the model's id, a NUL and
 * the exact UTF-8 text that was embedded (the whole text, before chunking). Equal hashes mean the
 * model need not be called again; the model's id is part of it so that a job restarted with another
 * model never takes a vector of the old one for current.
 */
public final class ContentHash {

    private ContentHash() {}

    /** Hex SHA-256 of {@code modelId + '\0' + text} in UTF-8; 64 characters. */
    public static String of(String modelId, String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(modelId.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
