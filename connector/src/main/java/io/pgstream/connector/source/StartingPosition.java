package io.pgstream.connector.source;

import io.pgstream.connector.event.Lsn;
import java.io.Serializable;
import java.util.Objects;

/**
 * Where one replication split starts reading: at the slot's own confirmed position, or just after a
 * given commit LSN. Not a startup mode: the enumerator ({@code ReplicationDiscovery}) derives it
 * from the job's {@link StartupMode} when it creates the split, the split carries it ({@code
 * PostgresSplit}, serialized by {@code PostgresSplitSerializer}), and the split reader reads it.
 *
 * <p>A value type instead of a sentinel number, so "from the slot" can never be confused with a
 * real position. {@link #afterCommit(Lsn)} is also what a restored split carries: the reader skips
 * every transaction whose commit LSN is at or below it, which is what makes a restore emit nothing
 * twice.
 */
public final class StartingPosition implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final StartingPosition FROM_SLOT = new StartingPosition(null);

    private final Lsn afterCommit;

    private StartingPosition(Lsn afterCommit) {
        this.afterCommit = afterCommit;
    }

    /** Start at the slot's {@code confirmed_flush_lsn}: everything not yet acknowledged. */
    public static StartingPosition fromSlot() {
        return FROM_SLOT;
    }

    /** Start after the transaction that committed at {@code commitLsn}. */
    public static StartingPosition afterCommit(Lsn commitLsn) {
        Objects.requireNonNull(commitLsn, "commitLsn");
        if (!commitLsn.isValid()) {
            throw new IllegalArgumentException("afterCommit needs a valid LSN, not 0/0");
        }
        return new StartingPosition(commitLsn);
    }

    /** Whether reading starts at the slot's own position. */
    public boolean isFromSlot() {
        return afterCommit == null;
    }

    /**
     * The last commit LSN already delivered; transactions at or below it are skipped.
     *
     * @throws IllegalStateException for {@link #fromSlot()}
     */
    public Lsn lastCommitLsn() {
        if (afterCommit == null) {
            throw new IllegalStateException("StartingPosition.fromSlot() has no commit LSN");
        }
        return afterCommit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartingPosition
                && Objects.equals(afterCommit, ((StartingPosition) o).afterCommit);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(afterCommit);
    }

    @Override
    public String toString() {
        return afterCommit == null ? "from-slot" : "after-commit " + afterCommit;
    }
}
