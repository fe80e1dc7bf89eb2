package io.pgstream.jobs.sink;

/**
 * SQL that compares LSNs stored in {@code bigint} columns in their real, unsigned order. The column
 * keeps {@link io.pgstream.connector.event.Lsn#value()} as is (the storage format), so a position
 * at or above {@code 8000000/0} reads as a negative number and a plain {@code <=} would order it
 * before every smaller one. Flipping the sign bit on both sides ({@code # min bigint}) maps
 * unsigned order onto signed order, which is what the version guards need.
 */
public final class LsnOrder {

    /** bigint's sign bit alone; XOR with it maps unsigned order onto signed order. */
    private static final String SIGN_BIT = "'-9223372036854775808'::bigint";

    private LsnOrder() {}

    /** {@code stored <= write} in LSN order: the stored version is not newer than the write. */
    public static String notAbove(String stored, String write) {
        return ordered(stored) + " <= " + ordered(write);
    }

    /** {@code stored < write} in LSN order: the stored version is older than the write. */
    public static String below(String stored, String write) {
        return ordered(stored) + " < " + ordered(write);
    }

    private static String ordered(String expr) {
        return "(" + expr + " # " + SIGN_BIT + ")";
    }
}
