package io.pgstream.connector.event;

import java.io.Serializable;

/**
 * A PostgreSQL WAL position (log sequence number), an unsigned 64-bit value written {@code X/Y}.
 *
 * <p>Unlike pgjdbc's {@code LogSequenceNumber.valueOf}, which returns an invalid value on bad
 * input, {@link #parse(String)} fails with a message naming the input: a wrong LSN in a
 * configuration must never silently mean "from the beginning".
 */
public record Lsn(long value) implements Comparable<Lsn>, Serializable {

    /** The invalid position {@code 0/0}; PostgreSQL uses it for "none". */
    public static final Lsn INVALID = new Lsn(0L);

    /** Parses {@code X/Y} (hex, case-insensitive); throws naming the input when malformed. */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN must not be null; expected the form X/Y");
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException(
                    "Invalid LSN '" + text + "': expected two hex numbers as X/Y, e.g. 0/16B3748");
        }
        try {
            long high = parseHexWord(text.substring(0, slash));
            long low = parseHexWord(text.substring(slash + 1));
            return new Lsn((high << 32) | low);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Invalid LSN '" + text + "': expected two hex numbers as X/Y, e.g. 0/16B3748",
                    e);
        }
    }

    private static long parseHexWord(String word) {
        if (word.length() > 8 || word.startsWith("+") || word.startsWith("-")) {
            throw new NumberFormatException(word);
        }
        return Long.parseLong(word, 16);
    }

    /** Whether this is a real position (not {@code 0/0}). */
    public boolean isValid() {
        return value != 0L;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** Whether this position is strictly after {@code other}. */
    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    /** The later of two positions. */
    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** PostgreSQL's own form, upper-case hex: {@code 16/B374D848}. */
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase()
                + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
