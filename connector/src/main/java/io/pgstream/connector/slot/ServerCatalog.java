package io.pgstream.connector.slot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads slots, publications, tables and settings from the system catalogs: the one place that asks
 * the server about them, so each question is answered by one query wherever it is asked.
 *
 * <p>Every method runs on the caller's connection (inside the caller's transaction, if any) and
 * blocks while it talks to PostgreSQL. Every name the caller supplies is a bound parameter here,
 * never SQL text, so a table "name" like {@code x"; DROP TABLE t; --} is only ever looked up (and
 * not found).
 *
 * <p>It is over 300 lines because it holds every catalog query, on purpose: one place per question.
 */
public final class ServerCatalog {
    private ServerCatalog() {}

    /**
     * One column of a table, as a Relation message would describe it.
     *
     * @param typeOid {@code pg_attribute.atttypid}
     */
    public record Column(String name, int typeOid) {}

    private static final String TABLE_SQL =
            "SELECT c.relkind, c.relreplident,"
                    + " EXISTS (SELECT 1 FROM pg_index i"
                    + "   WHERE i.indrelid = c.oid AND i.indisprimary),"
                    + " EXISTS (SELECT 1 FROM pg_index i"
                    + "   WHERE i.indrelid = c.oid AND i.indisreplident),"
                    + " pg_has_role(c.relowner, 'USAGE'),"
                    + " pg_get_userbyid(c.relowner),"
                    + " EXISTS (SELECT 1 FROM pg_publication_rel pr"
                    + "   JOIN pg_publication p ON p.oid = pr.prpubid"
                    + "   WHERE p.pubname = ? AND pr.prrelid = c.oid)"
                    + " OR EXISTS (SELECT 1 FROM pg_publication_tables pt"
                    + "   WHERE pt.pubname = ? AND pt.schemaname = n.nspname"
                    + "   AND pt.tablename = c.relname)"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = ? AND c.relname = ?";

    private static final String STATUS_SQL =
            "SELECT plugin, active, active_pid, confirmed_flush_lsn::text, restart_lsn::text,"
                    + " CASE WHEN pg_is_in_recovery() THEN NULL"
                    + "   ELSE pg_wal_lsn_diff(pg_current_wal_insert_lsn(), restart_lsn)::bigint"
                    + " END,"
                    + " CASE WHEN pg_is_in_recovery() THEN NULL"
                    + "   ELSE pg_wal_lsn_diff(pg_current_wal_insert_lsn(), confirmed_flush_lsn)::bigint"
                    + " END"
                    + " FROM pg_replication_slots WHERE slot_name = ?";

    /** Everything {@link Preflight#plan} checks, for this spec. */
    static ServerFacts facts(Connection c, ReplicationSpec spec) throws SQLException {
        List<ServerFacts.Table> tables = new ArrayList<>();
        for (TableId id : spec.tables()) {
            tables.add(table(c, id, spec.publication()));
        }
        return new ServerFacts(
                text(c, "SELECT current_setting('wal_level')"),
                currentDatabase(c),
                role(c),
                maxSlots(c),
                Integer.parseInt(text(c, "SELECT count(*) FROM pg_replication_slots")),
                tables,
                slot(c, spec.slot()),
                publication(c, spec.publication()));
    }

    static String currentDatabase(Connection c) throws SQLException {
        return text(c, "SELECT current_database()");
    }

    static int maxSlots(Connection c) throws SQLException {
        return Integer.parseInt(text(c, "SELECT current_setting('max_replication_slots')"));
    }

    static ServerFacts.Role role(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT current_user, rolsuper, rolreplication,"
                                        + " has_database_privilege(current_database(), 'CREATE')"
                                        + " FROM pg_roles"
                                        + " WHERE rolname = current_user")) {
            rs.next();
            return new ServerFacts.Role(
                    rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4));
        }
    }

    private static ServerFacts.Table table(Connection c, TableId id, String publication)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TABLE_SQL)) {
            ps.setString(1, publication);
            ps.setString(2, publication);
            ps.setString(3, id.schema());
            ps.setString(4, id.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return ServerFacts.Table.missing(id);
                }
                return new ServerFacts.Table(
                        id,
                        true,
                        rs.getString(1).charAt(0),
                        rs.getString(2).charAt(0),
                        rs.getBoolean(3),
                        rs.getBoolean(4),
                        rs.getBoolean(5),
                        rs.getString(6),
                        rs.getBoolean(7));
            }
        }
    }

    /** The slot, or null when there is none by this name. */
    static ServerFacts.Slot slot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT slot_type = 'logical', plugin, database, active, active_pid"
                                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new ServerFacts.Slot(
                        slot,
                        rs.getBoolean(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getBoolean(4),
                        (Integer) rs.getObject(5));
            }
        }
    }

    /**
     * Who streams from the slot now, or null when nobody does (or there is no such slot). A
     * walsender that has just gone may still show in the slot without a {@code pg_stat_activity}
     * row; it is reported with its PID alone.
     */
    static ServerFacts.SlotHolder holder(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT s.active_pid, a.application_name, a.client_addr::text,"
                                + " a.client_port"
                                + " FROM pg_replication_slots s"
                                + " LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid"
                                + " WHERE s.slot_name = ? AND s.active_pid IS NOT NULL")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String address = rs.getString(3);
                Integer port = (Integer) rs.getObject(4);
                if (address == null && port != null && port == -1) {
                    address = "local socket";
                }
                return new ServerFacts.SlotHolder(rs.getInt(1), rs.getString(2), address);
            }
        }
    }

    /** The publication, or null when there is none by this name. */
    static ServerFacts.Publication publication(Connection c, String publication)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT pg_get_userbyid(pubowner), pg_has_role(pubowner, 'USAGE'),"
                                + " puballtables, pubinsert AND pubupdate AND pubdelete,"
                                + " pubviaroot,"
                                + " coalesce(obj_description(oid, 'pg_publication'), '') = ?"
                                + " FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, PublicationSql.MANAGED_COMMENT);
            ps.setString(2, publication);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new ServerFacts.Publication(
                        publication,
                        rs.getString(1),
                        rs.getBoolean(2),
                        rs.getBoolean(3),
                        rs.getBoolean(4),
                        rs.getBoolean(5),
                        rs.getBoolean(6));
            }
        }
    }

    /** The slot's progress and the tables the publication actually publishes. */
    static SlotStatus status(Connection c, String slot, String publication) throws SQLException {
        boolean publicationExists = publication(c, publication) != null;
        List<TableId> tables = publishedTables(c, publication);
        try (PreparedStatement ps = c.prepareStatement(STATUS_SQL)) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return SlotStatus.absent(slot, publication, publicationExists, tables);
                }
                return new SlotStatus(
                        slot,
                        publication,
                        true,
                        rs.getString(1),
                        rs.getBoolean(2),
                        (Integer) rs.getObject(3),
                        rs.getString(4),
                        rs.getString(5),
                        (Long) rs.getObject(6),
                        (Long) rs.getObject(7),
                        publicationExists,
                        tables);
            }
        }
    }

    /**
     * The tables the publication publishes, sorted by schema and table; empty when there is no such
     * publication. Partitions and {@code FOR ALL TABLES} are resolved by the server.
     */
    public static List<TableId> publishedTables(Connection c, String publication)
            throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT schemaname, tablename FROM pg_publication_tables"
                                + " WHERE pubname = ? ORDER BY schemaname, tablename")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return tables;
    }

    /**
     * The last position the slot's consumer confirmed ({@code X/Y}), or null when there is no such
     * slot (or it is a physical one): no change before it is ever sent again.
     */
    public static String confirmedFlushLsn(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT confirmed_flush_lsn::text FROM pg_replication_slots"
                                + " WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * The PID of the walsender streaming from the slot, or null when none does (or there is no such
     * slot); for messages that name who holds it.
     */
    public static Integer activePid(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (Integer) rs.getObject(1) : null;
            }
        }
    }

    /**
     * The current WAL insert position ({@code X/Y}): every change from now on is after it, so a job
     * told to stop "at the current end" stops here.
     */
    public static String walInsertPosition(Connection c) throws SQLException {
        return text(c, "SELECT pg_current_wal_insert_lsn()::text");
    }

    /**
     * The table's live columns in table order, each with its type OID: the names and types a
     * Relation message would list, for reading rows that decode like streamed ones.
     *
     * @throws SQLException when there is no such table
     */
    public static List<Column> columns(Connection c, TableId table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = ?::regclass"
                                + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), (int) rs.getLong(2)));
                }
            }
        }
        return columns;
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
