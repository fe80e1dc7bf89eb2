package io.pgstream.jobs.sink.pgvector;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The name searches use ({@code sink.alias}) as a view over the live vector table, so an index can
 * be rebuilt beside it and switched to in one transaction: a search sees the old table or the new
 * one, never both and never a half-built one.
 */
public final class PgVectorAlias {

    private final PgVectorSinkConfig alias;
    private final PgVectorSinkConfig table;

    /**
     * @param alias the view (only its name is used)
     * @param table the vector table it is to read
     */
    public PgVectorAlias(PgVectorSinkConfig alias, PgVectorSinkConfig table) {
        this.alias = alias;
        this.table = table;
    }

    /** Creates the view over the table when no relation has the alias's name; commits. */
    public void ensure(Connection c) throws SQLException {
        String kind = kind(c);
        if (kind == null) {
            try (Statement s = c.createStatement()) {
                s.execute(createSql(""));
            }
            commitIfNeeded(c);
        } else if (!"v".equals(kind)) {
            throw new SQLException(
                    "sink.alias "
                            + alias.displayName()
                            + " exists and is not a view: choose another name for the alias");
        }
    }

    /**
     * Points the view at the table in one transaction: {@code CREATE OR REPLACE VIEW} when the
     * columns match (same vector size), else {@code DROP VIEW} and {@code CREATE VIEW}.
     */
    public void switchTo(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            String kind = kind(c);
            if (kind != null && !"v".equals(kind)) {
                throw new SQLException(
                        "sink.alias " + alias.displayName() + " exists and is not a view");
            }
            s.execute("SAVEPOINT pgstream_alias");
            try {
                s.execute(createSql("OR REPLACE "));
            } catch (SQLException columnsDiffer) {
                s.execute("ROLLBACK TO SAVEPOINT pgstream_alias");
                s.execute("DROP VIEW IF EXISTS " + alias.qualifiedTable());
                s.execute(createSql(""));
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private String createSql(String orReplace) {
        return "CREATE "
                + orReplace
                + "VIEW "
                + alias.qualifiedTable()
                + " AS SELECT * FROM "
                + table.qualifiedTable();
    }

    /** {@code pg_class.relkind} of the alias's name, or null when nothing has it. */
    private String kind(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT relkind::text FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, alias.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void commitIfNeeded(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
