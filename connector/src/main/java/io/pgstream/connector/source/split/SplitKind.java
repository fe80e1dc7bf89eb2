package io.pgstream.connector.source.split;

/**
 * What a {@link PostgresSplit} reads. The two kinds are read differently (a stream never ends on
 * its own, a chunk is one query) and finish differently (a finished chunk is reported to the
 * enumerator, a bounded stream just ends), so code asks the split for its kind rather than reading
 * it off the split id.
 */
public enum SplitKind {
    /** The slot's logical replication stream, from its starting to its stopping position. */
    STREAM,

    /** One chunk of a table's initial snapshot, read once by whichever reader gets it. */
    SNAPSHOT_CHUNK
}
