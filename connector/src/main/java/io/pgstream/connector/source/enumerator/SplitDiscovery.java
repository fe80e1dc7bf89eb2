package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import java.io.Serializable;
import java.util.List;

/**
 * Prepares the server and returns the splits of a fresh job: creates publications and slots
 * (idempotently) and resolves "stop at the current WAL end" into an LSN.
 *
 * <p>Runs once per job, on the enumerator's worker thread (never the coordinator thread: it does
 * network I/O), and not again after a restore. Implementations must be serializable: they travel
 * with the source to the JobManager.
 */
@FunctionalInterface
public interface SplitDiscovery extends Serializable {

    /**
     * Blocks while talking to PostgreSQL.
     *
     * @return the splits, never null
     * @throws Exception with a message that says how to fix the setup
     */
    List<PostgresSplit> discover() throws Exception;
}
