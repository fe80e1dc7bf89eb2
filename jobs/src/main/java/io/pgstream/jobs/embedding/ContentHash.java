package io.pgstream.jobs.embedding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The content hash stored beside every vector: lower-case hex SHA-256 of the exact UTF-8 text that
 * was embedded (the whole text, before chunking). Equal hashes mean the model need not be called
 * again.
 */
public final class ContentHash {

    private ContentHash() {}

    /** Hex SHA-256 of {@code text}'s UTF-8 bytes; 64 characters. */
    public static String of(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
