package io.pgstream.connector.source.reader;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.snapshot.ChunkReader;
import io.pgstream.connector.source.split.PostgresSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads snapshot chunk splits, each whole into one {@link SnapshotChunkRows} (spilled past the
 * memory budget like a large transaction), so a checkpoint never stands inside a chunk. Keeps one
 * connection for all chunks of the reader, opened on the first, and reports snapshot progress per
 * table.
 *
 * <p>Fetcher thread only.
 */
final class SnapshotChunkLoader implements AutoCloseable {

    private final PgConnectionConfig connection;
    private final Path spillDirectory;
    private final long memoryBudget;
    private final SourceMetrics metrics;
    private final Map<String, Long> estimates = new HashMap<>();
    private ChunkReader chunkReader;

    SnapshotChunkLoader(
            PgConnectionConfig connection,
            Path spillDirectory,
            long memoryBudget,
            SourceMetrics metrics) {
        this.connection = connection;
        this.spillDirectory = spillDirectory;
        this.memoryBudget = memoryBudget;
        this.metrics = metrics;
    }

    /** Reads the chunk of {@code split}; blocks for the query. */
    SnapshotChunkRows read(PostgresSplit split) throws IOException {
        SpillingTransactionBuffer buffer =
                new SpillingTransactionBuffer(spillDirectory, memoryBudget);
        try {
            if (chunkReader == null) {
                chunkReader = new ChunkReader(connection);
            }
            long[] rows = {0};
            Lsn asOf =
                    chunkReader.readMeasured(
                            split.chunk(),
                            split.keyTypes(),
                            (e, bytes) -> {
                                // Counted like a streamed change of that size: a chunk far larger
                                // than planned (clustered keys) spills instead of filling the heap.
                                buffer.append(0, e, bytes);
                                rows[0]++;
                            });
            String table = split.chunk().table().toString();
            if (!estimates.containsKey(table)) {
                // The planner's count (exact after an ordered pass), else the statistics'.
                long planned = split.tableRowsEstimate();
                estimates.put(
                        table,
                        planned >= 0 ? planned : chunkReader.estimatedRows(split.chunk().table()));
            }
            metrics.snapshotRowsRead(table, rows[0], estimates.get(table));
            metrics.transactionBuffered();
            return new SnapshotChunkRows(asOf, buffer);
        } catch (SQLException e) {
            buffer.close();
            throw new IOException(
                    "Snapshot of " + split.chunk().id() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        if (chunkReader != null) {
            chunkReader.close();
        }
    }
}
