package io.pgstream.connector.source;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.PgStreamSetupException;
import io.pgstream.connector.slot.ServerCatalog;
import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.ChunkPlanner;
import io.pgstream.connector.snapshot.SnapshotChunk;
import io.pgstream.connector.source.enumerator.SplitDiscovery;
import io.pgstream.connector.source.split.PostgresSplit;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * The splits of a fresh job: one per configured slot, after the {@link SlotPreparer} has made sure
 * the slot and its publication exist, with "stop at the current WAL end" resolved into an LSN so a
 * restore keeps the same end.
 */
final class ReplicationDiscovery implements SplitDiscovery {
    private static final long serialVersionUID = 1L;

    /** One slot of the job and the tables its publication covers. */
    record SlotSpec(String slot, String publication, List<String> tables)
            implements java.io.Serializable {}

    private final PgConnectionConfig connection;
    private final List<SlotSpec> slots;
    private final StoppingPosition stop;
    private final SlotPreparer preparer;
    private final StartupMode startupMode;
    private final Lsn startupLsn;
    private final int chunkRows;

    ReplicationDiscovery(
            PgConnectionConfig connection,
            List<SlotSpec> slots,
            StoppingPosition stop,
            SlotPreparer preparer,
            StartupMode startupMode,
            Lsn startupLsn,
            int chunkRows) {
        this.connection = connection;
        this.slots = List.copyOf(slots);
        this.stop = stop;
        this.preparer = preparer;
        this.startupMode = startupMode;
        this.startupLsn = startupLsn;
        this.chunkRows = chunkRows;
    }

    @Override
    public Discovered discover() throws Exception {
        prepareAll();
        StoppingPosition resolved =
                stop.needsResolution() ? StoppingPosition.atLsn(walEnd()) : stop;
        List<PostgresSplit> splits = new ArrayList<>();
        Set<String> tables = new LinkedHashSet<>();
        // The slots exist now, so every change after this point is in them: the snapshot may
        // read the rows at any time from here on.
        splits.addAll(snapshotChunks(Set.of(), tables));
        if (startupMode == StartupMode.SNAPSHOT_ONLY) {
            return new Discovered(splits, tables);
        }
        for (SlotSpec spec : slots) {
            splits.add(
                    new PostgresSplit(
                            spec.slot(), spec.publication(), startingPosition(spec), resolved));
        }
        return new Discovered(splits, tables);
    }

    /**
     * Runs the preparer again, which adds configured tables missing from a publication, then plans
     * chunks for the published tables the restored job has never seen. Their changes are in the
     * slot from the moment the publication has them, and the enumerator holds the stream until
     * their chunks are read, as on a fresh start.
     */
    @Override
    public Discovered discoverAddedTables(Set<String> knownTables) throws Exception {
        for (SlotSpec spec : slots) {
            requireSlotOfRestoredJob(spec);
        }
        prepareAll();
        Set<String> tables = new LinkedHashSet<>();
        return new Discovered(snapshotChunks(knownTables, tables), tables);
    }

    /**
     * The preparer would create a missing slot, at the WAL's end: the restored position would then
     * silently skip every change in between. A restore refuses instead.
     */
    private void requireSlotOfRestoredJob(SlotSpec spec)
            throws PgStreamSetupException, SQLException {
        if (!new SlotManager(connection).status(spec.slot(), spec.publication()).exists()) {
            throw new SuppressRestartsException(
                    new IllegalStateException(
                            "Replication slot '"
                                    + spec.slot()
                                    + "' no longer exists on "
                                    + connection.redacted()
                                    + ". The checkpoint being restored continues from a"
                                    + " position in it, and a new slot would not hold the"
                                    + " changes made since. Start the job without the"
                                    + " checkpoint: a fresh start snapshots the tables again."));
        }
    }

    private void prepareAll() throws Exception {
        for (SlotSpec spec : slots) {
            try {
                preparer.prepare(connection, spec.slot(), spec.publication(), spec.tables());
            } catch (PgStreamSetupException | IllegalArgumentException e) {
                // The server needs a human (the message says what to do): restarting the job
                // would only fail the same way, forever.
                throw new SuppressRestartsException(e);
            }
        }
    }

    /**
     * From the slot, or for {@link StartupMode#LSN} after the commit just before the requested
     * position, which must not be before what the slot confirmed: the server would silently start
     * at the slot's position instead.
     */
    private StartingPosition startingPosition(SlotSpec spec) throws SQLException {
        if (startupMode != StartupMode.LSN) {
            return StartingPosition.fromSlot();
        }
        String confirmedText;
        try (Connection c = connection.connect()) {
            confirmedText = ServerCatalog.confirmedFlushLsn(c, spec.slot());
        }
        if (confirmedText == null) {
            throw new SQLException(
                    "Replication slot '" + spec.slot() + "' vanished while the job was starting");
        }
        Lsn confirmed = Lsn.parse(confirmedText);
        if (startupLsn.compareTo(confirmed) < 0) {
            throw new SuppressRestartsException(
                    new IllegalArgumentException(
                            "startup.lsn "
                                    + startupLsn
                                    + " is before slot '"
                                    + spec.slot()
                                    + "''s confirmed position "
                                    + confirmed
                                    + "; a slot cannot go back: start at or after "
                                    + confirmed));
        }
        return StartingPosition.afterCommit(new Lsn(startupLsn.value() - 1));
    }

    /**
     * The chunks of every published table not in {@code skip} (none unless the startup mode
     * snapshots); adds every published table to {@code published}.
     */
    private List<PostgresSplit> snapshotChunks(Set<String> skip, Set<String> published)
            throws SQLException {
        boolean snapshots =
                startupMode == StartupMode.INITIAL || startupMode == StartupMode.SNAPSHOT_ONLY;
        List<PostgresSplit> chunks = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(chunkRows);
        try (Connection c = connection.connect()) {
            for (SlotSpec spec : slots) {
                // The publication has the configured tables by now.
                for (TableId table : ServerCatalog.publishedTables(c, spec.publication())) {
                    if (!published.add(table.toString())
                            || !snapshots
                            || skip.contains(table.toString())) {
                        continue;
                    }
                    ChunkPlanner.TableKey key = ChunkPlanner.key(c, table);
                    ChunkPlanner.TablePlan plan = planner.planTable(c, table, key);
                    for (SnapshotChunk chunk : plan.chunks()) {
                        chunks.add(
                                PostgresSplit.snapshot(
                                        spec.slot(),
                                        spec.publication(),
                                        chunk,
                                        key.types(),
                                        plan.estimatedRows()));
                    }
                }
            }
        }
        return chunks;
    }

    private Lsn walEnd() throws SQLException {
        try (Connection c = connection.connect()) {
            return Lsn.parse(ServerCatalog.walInsertPosition(c));
        }
    }
}
