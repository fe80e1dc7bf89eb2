package io.pgstream.connector.source.split;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.snapshot.SnapshotChunk;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A unit of reading work, of one of two kinds:
 *
 * <ul>
 *   <li>a <b>stream split</b>: one replication slot. A logical slot has a single consumer, so the
 *       enumerator pushes it to one reader (its owner subtask) and it is read by that reader only;
 *       it moves to another reader only through {@code addSplitsBack} or a restore. Several slots
 *       are several stream splits spread over the subtasks.
 *   <li>a <b>snapshot chunk</b> ({@link #snapshot}): one key range of one table. Chunks go to
 *       whichever reader asks next, so one reader reads many chunks over time; each chunk is read
 *       once (again only after a failure before a checkpoint covered it).
 * </ul>
 *
 * <p>Immutable. Progress lives in {@link PostgresSplitState} while reading and comes back here, as
 * the {@link StartingPosition}, when a checkpoint snapshots the reader.
 */
public final class PostgresSplit implements SourceSplit {

    /** Slot names cannot contain '/', so no stream split id starts with this. */
    private static final String SNAPSHOT_ID_PREFIX = "snapshot/";

    private final String slotName;
    private final String publicationName;
    private final StartingPosition start;
    private final StoppingPosition stop;
    private final SnapshotChunk chunk;
    private final List<String> keyTypes;
    private final long tableRowsEstimate;

    public PostgresSplit(
            String slotName,
            String publicationName,
            StartingPosition start,
            StoppingPosition stop) {
        this(slotName, publicationName, start, stop, null, List.of(), -1);
    }

    private PostgresSplit(
            String slotName,
            String publicationName,
            StartingPosition start,
            StoppingPosition stop,
            SnapshotChunk chunk,
            List<String> keyTypes,
            long tableRowsEstimate) {
        this.slotName = Objects.requireNonNull(slotName, "slotName");
        this.publicationName = Objects.requireNonNull(publicationName, "publicationName");
        this.start = Objects.requireNonNull(start, "start");
        this.stop = Objects.requireNonNull(stop, "stop");
        this.chunk = chunk;
        this.keyTypes = List.copyOf(keyTypes);
        this.tableRowsEstimate = tableRowsEstimate;
    }

    /**
     * A snapshot chunk of a table published through {@code slotName}'s publication: read once by
     * any reader, in any order; the slot's stream split starts after all of them.
     */
    public static PostgresSplit snapshot(
            String slotName, String publicationName, SnapshotChunk chunk, List<String> keyTypes) {
        return snapshot(slotName, publicationName, chunk, keyTypes, -1);
    }

    /**
     * As {@link #snapshot(String, String, SnapshotChunk, List)}, with the planner's estimate of the
     * whole table's rows (-1 when unknown), which the snapshot progress metrics report.
     */
    public static PostgresSplit snapshot(
            String slotName,
            String publicationName,
            SnapshotChunk chunk,
            List<String> keyTypes,
            long tableRowsEstimate) {
        return new PostgresSplit(
                slotName,
                publicationName,
                StartingPosition.fromSlot(),
                StoppingPosition.never(),
                Objects.requireNonNull(chunk, "chunk"),
                keyTypes,
                tableRowsEstimate);
    }

    /** For a snapshot chunk, the planner's estimate of its table's rows; -1 when unknown. */
    public long tableRowsEstimate() {
        return tableRowsEstimate;
    }

    /**
     * The split id: the slot name for a stream split (slot names are unique per server), {@code
     * snapshot/<schema.table>#<chunk>} for a snapshot chunk.
     */
    @Override
    public String splitId() {
        return chunk == null ? slotName : SNAPSHOT_ID_PREFIX + chunk.id();
    }

    /**
     * The kind of the split with id {@code splitId}, for code that holds ids only (the enumerator's
     * checkpointed assignments); everything holding a split asks {@link #kind()}.
     */
    public static SplitKind kindOfId(String splitId) {
        return splitId.startsWith(SNAPSHOT_ID_PREFIX) ? SplitKind.SNAPSHOT_CHUNK : SplitKind.STREAM;
    }

    /** Whether this split reads the slot's stream or a snapshot chunk. */
    public SplitKind kind() {
        return chunk == null ? SplitKind.STREAM : SplitKind.SNAPSHOT_CHUNK;
    }

    /** Whether this split is a snapshot chunk rather than the slot's stream. */
    public boolean isSnapshot() {
        return kind() == SplitKind.SNAPSHOT_CHUNK;
    }

    /** The chunk of a snapshot split, else null. */
    public SnapshotChunk chunk() {
        return chunk;
    }

    /** The SQL types of a snapshot chunk's key columns (empty for page chunks and streams). */
    public List<String> keyTypes() {
        return keyTypes;
    }

    public String slotName() {
        return slotName;
    }

    public String publicationName() {
        return publicationName;
    }

    public StartingPosition start() {
        return start;
    }

    public StoppingPosition stop() {
        return stop;
    }

    /** A copy starting after {@code commitLsn}, as a checkpoint records it. */
    public PostgresSplit afterCommit(Lsn commitLsn) {
        return new PostgresSplit(
                slotName,
                publicationName,
                StartingPosition.afterCommit(commitLsn),
                stop,
                chunk,
                keyTypes,
                tableRowsEstimate);
    }

    /** A copy with another stopping position (the enumerator resolves "current WAL end"). */
    public PostgresSplit withStop(StoppingPosition newStop) {
        return new PostgresSplit(
                slotName, publicationName, start, newStop, chunk, keyTypes, tableRowsEstimate);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PostgresSplit)) {
            return false;
        }
        PostgresSplit that = (PostgresSplit) o;
        return slotName.equals(that.slotName)
                && publicationName.equals(that.publicationName)
                && start.equals(that.start)
                && stop.equals(that.stop)
                && Objects.equals(chunk, that.chunk)
                && keyTypes.equals(that.keyTypes)
                && tableRowsEstimate == that.tableRowsEstimate;
    }

    @Override
    public int hashCode() {
        return Objects.hash(slotName, publicationName, start, stop, chunk);
    }

    @Override
    public String toString() {
        return "PostgresSplit{slot="
                + slotName
                + ", publication="
                + publicationName
                + ", start="
                + start
                + ", stop="
                + stop
                + (chunk == null ? "" : ", chunk=" + chunk.id())
                + "}";
    }
}
