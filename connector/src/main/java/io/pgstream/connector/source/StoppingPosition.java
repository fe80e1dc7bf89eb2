package io.pgstream.connector.source;

import io.pgstream.connector.event.Lsn;
import java.io.Serializable;
import java.util.Objects;

/**
 * Where a replication split stops: never (the default, an unbounded source), at a given LSN, or at
 * the server's WAL position when the job starts (for tests and one-off catch-ups).
 *
 * <p>A transaction is emitted when its commit LSN is at or below the stop LSN. The split finishes
 * when a later transaction arrives or the server reports its WAL end at or past the stop LSN with
 * no transaction open.
 */
public final class StoppingPosition implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind {
        NEVER,
        AT_LSN,
        CURRENT_WAL_END
    }

    private static final StoppingPosition NEVER = new StoppingPosition(Kind.NEVER, null);
    private static final StoppingPosition CURRENT =
            new StoppingPosition(Kind.CURRENT_WAL_END, null);

    private final Kind kind;
    private final Lsn lsn;

    private StoppingPosition(Kind kind, Lsn lsn) {
        this.kind = kind;
        this.lsn = lsn;
    }

    /** Unbounded: keep streaming. */
    public static StoppingPosition never() {
        return NEVER;
    }

    /** Bounded at {@code lsn}. */
    public static StoppingPosition atLsn(Lsn lsn) {
        return new StoppingPosition(Kind.AT_LSN, Objects.requireNonNull(lsn, "lsn"));
    }

    /**
     * Bounded at {@code pg_current_wal_insert_lsn()} as read once when the job starts; the
     * enumerator resolves it into {@link #atLsn(Lsn)} so that a restore keeps the same end.
     */
    public static StoppingPosition currentWalEnd() {
        return CURRENT;
    }

    public boolean isBounded() {
        return kind != Kind.NEVER;
    }

    /** Whether the stop LSN still has to be read from the server. */
    public boolean needsResolution() {
        return kind == Kind.CURRENT_WAL_END;
    }

    /**
     * The stop LSN.
     *
     * @throws IllegalStateException when unbounded or not yet resolved
     */
    public Lsn lsn() {
        if (kind != Kind.AT_LSN) {
            throw new IllegalStateException("StoppingPosition " + this + " has no LSN");
        }
        return lsn;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StoppingPosition)) {
            return false;
        }
        StoppingPosition that = (StoppingPosition) o;
        return kind == that.kind && Objects.equals(lsn, that.lsn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, lsn);
    }

    @Override
    public String toString() {
        switch (kind) {
            case NEVER:
                return "never";
            case AT_LSN:
                return "at " + lsn;
            default:
                return "current-wal-end";
        }
    }
}
