package io.pgstream.connector.source.split;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One replication slot, read by exactly one reader: a logical slot has a single consumer, so the
 * slot is the unit of parallelism. Several slots (for example one per table group) are several
 * splits spread over the subtasks.
 *
 * <p>Immutable. Progress lives in {@link PostgresSplitState} while reading and comes back here, as
 * the {@link StartingPosition}, when a checkpoint snapshots the reader.
 */
public final class PostgresSplit implements SourceSplit {

    private final String slotName;
    private final String publicationName;
    private final StartingPosition start;
    private final StoppingPosition stop;

    public PostgresSplit(
            String slotName,
            String publicationName,
            StartingPosition start,
            StoppingPosition stop) {
        this.slotName = Objects.requireNonNull(slotName, "slotName");
        this.publicationName = Objects.requireNonNull(publicationName, "publicationName");
        this.start = Objects.requireNonNull(start, "start");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /** The split id is the slot name: slot names are unique per server, and deterministic. */
    @Override
    public String splitId() {
        return slotName;
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
                slotName, publicationName, StartingPosition.afterCommit(commitLsn), stop);
    }

    /** A copy with another stopping position (the enumerator resolves "current WAL end"). */
    public PostgresSplit withStop(StoppingPosition newStop) {
        return new PostgresSplit(slotName, publicationName, start, newStop);
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
                && stop.equals(that.stop);
    }

    @Override
    public int hashCode() {
        return Objects.hash(slotName, publicationName, start, stop);
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
                + "}";
    }
}
