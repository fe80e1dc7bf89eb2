package io.pgstream.connector.snapshot;

import io.pgstream.connector.slot.TableId;
import java.io.Serializable;
import java.util.List;

/**
 * One piece of a table's initial snapshot, read by one query without locks: a primary-key range
 * {@code [lower, upper)} in the key's own order, or for a table without a usable key a range of
 * heap pages {@code [fromPage, toPage)} by {@code ctid}.
 *
 * @param table the table
 * @param index the chunk's position within its table, from 0
 * @param keyColumns the key's columns in index order; empty for a page-range chunk
 * @param lower the key values (PostgreSQL text form) where the chunk starts, inclusive; null for
 *     the first chunk
 * @param upper the key values where the next chunk starts, exclusive; null for the last chunk
 * @param fromPage first heap page, inclusive (page-range chunks only)
 * @param toPage last heap page, exclusive, or -1 for "to the end" (page-range chunks only)
 */
public record SnapshotChunk(
        TableId table,
        int index,
        List<String> keyColumns,
        List<String> lower,
        List<String> upper,
        long fromPage,
        long toPage)
        implements Serializable {

    public SnapshotChunk {
        keyColumns = List.copyOf(keyColumns);
        lower = lower == null ? null : List.copyOf(lower);
        upper = upper == null ? null : List.copyOf(upper);
    }

    /** Whether this chunk is a ctid page range (the table has no usable key). */
    public boolean byPages() {
        return keyColumns.isEmpty();
    }

    /** A stable id, usable as a Flink split id. */
    public String id() {
        return table + "#" + index;
    }
}
