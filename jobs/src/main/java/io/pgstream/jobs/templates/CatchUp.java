package io.pgstream.jobs.templates;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.PgStreamSetupException;
import io.pgstream.connector.slot.SlotManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Whether a job's index has caught up with its tables, for {@code pgstream reindex}: its snapshot
 * is written and its slot's confirmed LSN (advanced only by completed checkpoints, so for writes
 * that are durable) has reached the server's WAL position taken at the first check after the
 * snapshot. Every change committed before that position is then in the index.
 */
public final class CatchUp {

    /** One check: whether caught up, and the positions compared (null until known). */
    public record Check(boolean caughtUp, Lsn confirmed, Lsn target) {}

    private final PgConnectionConfig source;
    private final String slot;
    private final String publication;
    private Lsn target;

    public CatchUp(JobConfig job) {
        this.source = PgConnectionConfig.parse(job.source().dsn());
        this.slot = job.source().slot();
        this.publication = job.source().publication();
    }

    /**
     * @param snapshotWritten whether the job streams and has written every snapshot row
     */
    public Check check(boolean snapshotWritten) throws SQLException, PgStreamSetupException {
        if (snapshotWritten && target == null) {
            target = currentWalLsn();
        }
        String flushed = new SlotManager(source).status(slot, publication).confirmedFlushLsn();
        Lsn confirmed = flushed == null ? null : Lsn.parse(flushed);
        boolean caughtUp = target != null && confirmed != null && !target.isAfter(confirmed);
        return new Check(caughtUp, confirmed, target);
    }

    private Lsn currentWalLsn() throws SQLException {
        try (Connection c = source.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }
}
