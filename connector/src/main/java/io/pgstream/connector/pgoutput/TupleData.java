package io.pgstream.connector.pgoutput;

import java.nio.charset.StandardCharsets;

/**
 * The column values of one tuple as pgoutput sent them: per column a kind ({@code n} null, {@code
 * u} unchanged TOAST datum, {@code t} text, {@code b} binary) and, for the last two, a slice of the
 * message's bytes.
 *
 * <p>Zero-copy: the slices point into the array the message was decoded from, so a caller must not
 * reuse that array while the tuple is in use. Value conversion happens later, by column type, in
 * {@link ValueDecoder}.
 */
public final class TupleData {

    public static final byte NULL = 'n';
    public static final byte UNCHANGED_TOAST = 'u';
    public static final byte TEXT = 't';
    public static final byte BINARY = 'b';

    private final byte[] buffer;
    private final byte[] kinds;
    private final int[] offsets;
    private final int[] lengths;

    TupleData(byte[] buffer, byte[] kinds, int[] offsets, int[] lengths) {
        this.buffer = buffer;
        this.kinds = kinds;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    /** Number of columns in the tuple. */
    public int size() {
        return kinds.length;
    }

    /** The kind of column {@code i}: one of {@link #NULL}, {@link #UNCHANGED_TOAST}, ... */
    public byte kind(int i) {
        return kinds[i];
    }

    /** The array holding the value bytes (shared, do not modify). */
    public byte[] buffer() {
        return buffer;
    }

    /** Offset of column {@code i}'s value in {@link #buffer()}; undefined for n and u. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Length of column {@code i}'s value; undefined for n and u. */
    public int length(int i) {
        return lengths[i];
    }

    /** A copy of column {@code i}'s value bytes, or null for n and u. */
    public byte[] bytes(int i) {
        if (kinds[i] != TEXT && kinds[i] != BINARY) {
            return null;
        }
        byte[] copy = new byte[lengths[i]];
        System.arraycopy(buffer, offsets[i], copy, 0, lengths[i]);
        return copy;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < kinds.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            switch (kinds[i]) {
                case TEXT:
                    sb.append('\'')
                            .append(
                                    new String(
                                            buffer, offsets[i], lengths[i], StandardCharsets.UTF_8))
                            .append('\'');
                    break;
                case BINARY:
                    sb.append("b[").append(lengths[i]).append(']');
                    break;
                default:
                    sb.append((char) kinds[i]);
            }
        }
        return sb.append(')').toString();
    }
}
