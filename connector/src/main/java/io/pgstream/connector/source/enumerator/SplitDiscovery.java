package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * Prepares the server and finds the splits of a job: creates publications and slots (idempotently),
 * plans snapshot chunks and resolves "stop at the current WAL end" into an LSN.
 *
 * <p>Runs on the enumerator's worker thread (never the coordinator thread: it does network I/O):
 * {@link #discover} once per fresh job, {@link #discoverAddedTables} on every restore, so a table
 * added to the configuration between a savepoint and a restore gets its publication entry and its
 * snapshot. Implementations must be serializable: they travel with the source to the JobManager.
 */
public interface SplitDiscovery extends Serializable {

    /**
     * The splits of a fresh job. Blocks while talking to PostgreSQL.
     *
     * @throws Exception with a message that says how to fix the setup
     */
    Discovered discover() throws Exception;

    /**
     * On a restore: prepares the server again (adding configured tables the publication lacks) and
     * returns the snapshot chunks of published tables not in {@code knownTables} (none unless the
     * startup mode snapshots), with every published table in {@link Discovered#tables()}.
     *
     * @param knownTables the tables the restored job already covers ({@code schema.table})
     */
    Discovered discoverAddedTables(Set<String> knownTables) throws Exception;

    /**
     * What discovery found.
     *
     * @param splits the new splits: snapshot chunks, then (fresh jobs only) the stream splits
     * @param tables every table the job's publications publish now, as {@code schema.table}
     */
    record Discovered(List<PostgresSplit> splits, Set<String> tables) implements Serializable {
        public Discovered {
            splits = List.copyOf(splits);
            tables = Set.copyOf(tables);
        }
    }
}
