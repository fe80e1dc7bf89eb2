package io.pgstream.jobs.sink.pgvector;

import io.pgstream.jobs.sink.IndexIdentity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@link IndexIdentity} of a pgvector table, kept as a JSON {@code COMMENT ON TABLE}: it
 * travels with the table through {@code pg_dump} and renames, and needs no table of its own.
 */
public final class PgVectorIdentity {

    private final PgVectorSinkConfig config;

    public PgVectorIdentity(PgVectorSinkConfig config) {
        this.config = config;
    }

    /** Whether the table exists (an identity is read and written only then). */
    public boolean tableExists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, config.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Whether the (existing) table holds any vector. */
    public boolean hasVectors(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT EXISTS (SELECT 1 FROM " + config.qualifiedTable() + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The recorded identity; null when the table has none (or does not exist). */
    public IndexIdentity read(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT obj_description(to_regclass(?), 'pg_class')")) {
            ps.setString(1, config.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? IndexIdentity.parse(rs.getString(1)) : null;
            }
        }
    }

    /** Records {@code identity} on the table (replacing any comment it had). */
    public void write(Connection c, IndexIdentity identity) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "COMMENT ON TABLE "
                            + config.qualifiedTable()
                            + " IS E'"
                            + identity.toJson().replace("\\", "\\\\").replace("'", "\\'")
                            + "'");
        }
    }
}
