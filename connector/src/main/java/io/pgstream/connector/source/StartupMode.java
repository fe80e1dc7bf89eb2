package io.pgstream.connector.source;

/**
 * Where a fresh job starts reading (a restored job always continues from its checkpoint): the one
 * startup type the source itself reads. {@code PostgresSourceBuilder#startupMode} sets it (with
 * {@code startAtLsn} for {@link #LSN}) and the enumerator ({@code ReplicationDiscovery}) decides
 * from it which splits to create. The user-facing spellings map onto it in one place each: the
 * command line and job file's {@code --startup-mode} / {@code source.startup-mode} through {@code
 * StartupChoice} (jobs), the SQL option {@code scan.startup.mode} through {@link
 * io.pgstream.connector.table.PostgresConnectorOptions.ScanStartupMode}. A replication split's own
 * resume point is a different thing, {@link StartingPosition}.
 *
 * <p>{@link #INITIAL}: every existing row of the published tables as a {@code read} event, read in
 * key-range chunks by all subtasks in parallel, then the slot's changes from the point the slot was
 * created (or last confirmed). Guarantee: replaying the events by key gives exactly the table. Each
 * {@code read} event's LSN is a low watermark (every transaction committed before it is in the row;
 * see {@code ChunkReader}), so a consumer that keeps the highest commit LSN per key never moves a
 * key back before its snapshot value; a consumer without that guard may briefly see a streamed
 * change older than the row's snapshot value.
 */
public enum StartupMode {
    /** Snapshot the existing rows, then stream. */
    INITIAL,
    /** Stream from the slot only. */
    LATEST,
    /** Snapshot the existing rows, then finish (bounded). */
    SNAPSHOT_ONLY,
    /**
     * Stream the transactions committed at or after {@code startup.lsn}, which must not be before
     * the slot's confirmed position (a slot cannot go back).
     */
    LSN
}
