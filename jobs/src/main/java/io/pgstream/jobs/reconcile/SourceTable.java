package io.pgstream.jobs.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.TypeRegistry;
import io.pgstream.connector.pgoutput.ValueDecoder;
import io.pgstream.connector.slot.Identifiers;
import io.pgstream.connector.slot.TableId;
import io.pgstream.jobs.document.TextSelect;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One source table as {@code pgstream reconcile} reads it: in key order, a page at a time, by
 * keyset pagination ({@code WHERE (key) > (last key) ORDER BY key LIMIT n}, which the primary key
 * index serves), so memory holds one page whatever the table's size. Values are read as text and
 * decoded as the TOAST read-back does ({@link ValueDecoder}), then rendered by the job's rules
 * ({@link RowRenderer}). Also answers which of a page of index ids are rows of the table, with one
 * query per page.
 *
 * <p>Not thread-safe; one instance per table walk, on a connection the caller owns.
 */
final class SourceTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final TableId table;
    private final List<String> key;
    private final RowRenderer renderer;
    private final int pageSize;
    private final ValueDecoder decoder = new ValueDecoder(new TypeRegistry());
    private final List<String> columns = new ArrayList<>();
    private final List<Integer> oids = new ArrayList<>();
    private final List<String> keyTypes = new ArrayList<>();
    private final String firstPage;
    private final String nextPage;
    private final String present;
    private final String current;
    private List<String> lastKey;

    SourceTable(
            Connection connection,
            TableId table,
            List<String> key,
            RowRenderer renderer,
            int pageSize)
            throws SQLException {
        this.connection = connection;
        this.table = table;
        this.key = List.copyOf(key);
        this.renderer = renderer;
        this.pageSize = pageSize;
        readColumns();
        for (String k : key) {
            int i = columns.indexOf(k);
            if (i < 0) {
                throw new SQLException("table " + table + " has no key column " + k);
            }
        }
        String relation = table.quoted();
        String select = TextSelect.from(columns, relation) + " AS r";
        // Qualified: a bare name in ORDER BY would pick the output column of that name, the key's
        // text form, and order the keys as text.
        String keyList =
                key.stream()
                        .map(c -> "r." + Identifiers.quote(c))
                        .collect(Collectors.joining(", "));
        String order = " ORDER BY " + keyList + " LIMIT " + pageSize;
        StringBuilder after = new StringBuilder();
        StringBuilder unnest = new StringBuilder();
        StringBuilder casts = new StringBuilder();
        for (int i = 0; i < key.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            after.append(sep).append("?::").append(keyTypes.get(i));
            unnest.append(sep).append("?::text[]");
            casts.append(sep).append("u.k").append(i).append("::").append(keyTypes.get(i));
        }
        String aliases =
                java.util.stream.IntStream.range(0, key.size())
                        .mapToObj(i -> "k" + i)
                        .collect(Collectors.joining(", "));
        this.firstPage = select + order;
        this.nextPage = select + " WHERE (" + keyList + ") > (" + after + ")" + order;
        String byKeys =
                " WHERE ("
                        + keyList
                        + ") IN (SELECT "
                        + casts
                        + " FROM unnest("
                        + unnest
                        + ") AS u("
                        + aliases
                        + "))";
        this.present = TextSelect.from(key, relation) + " AS r" + byKeys;
        this.current = select + byKeys;
    }

    /** {@code schema.table}, as the index's {@code source_table} names it. */
    String name() {
        return table.schema() + "." + table.table();
    }

    /** The next page of rows in key order; empty after the last. */
    List<RowExpectation> nextPage() throws SQLException {
        List<RowExpectation> rows = new ArrayList<>(pageSize);
        try (PreparedStatement ps =
                connection.prepareStatement(lastKey == null ? firstPage : nextPage)) {
            if (lastKey != null) {
                for (int i = 0; i < lastKey.size(); i++) {
                    ps.setString(i + 1, lastKey.get(i));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> texts = new ArrayList<>(columns.size());
                while (rs.next()) {
                    texts.clear();
                    for (int i = 0; i < columns.size(); i++) {
                        texts.add(rs.getString(i + 1));
                    }
                    rows.add(
                            renderer.render(table.schema(), table.table(), decode(columns, texts)));
                    List<String> k = new ArrayList<>(key.size());
                    for (String c : key) {
                        k.add(texts.get(columns.indexOf(c)));
                    }
                    lastKey = k;
                }
            }
        }
        return rows;
    }

    /** Which of {@code ids} (index ids of this table) are rows of the table now. */
    Set<String> presentIds(Collection<String> ids) throws SQLException {
        Set<String> found = new HashSet<>();
        for (RowExpectation row : byIds(present, key, ids)) {
            found.add(row.id());
        }
        return found;
    }

    /**
     * The rows of {@code ids} (index ids of this table) as they are now; ids of no row are left
     * out.
     */
    List<RowExpectation> currentRows(Collection<String> ids) throws SQLException {
        return byIds(current, columns, ids);
    }

    /** Runs {@code sql} (selecting {@code names}) for the keys {@code ids} stand for. */
    private List<RowExpectation> byIds(String sql, List<String> names, Collection<String> ids)
            throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        for (String id : ids) {
            List<String> k = keyValues(id);
            if (k != null) {
                keys.add(k);
            }
        }
        List<RowExpectation> found = new ArrayList<>();
        if (keys.isEmpty()) {
            return found;
        }
        try {
            found.addAll(byKeys(sql, names, keys));
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("22")) {
                throw e;
            }
            // An id that is no value of the key's type (written by hand): ask one at a time, so
            // the others are still checked; such an id names no row.
            for (List<String> k : keys) {
                try {
                    found.addAll(byKeys(sql, names, List.of(k)));
                } catch (SQLException one) {
                    if (one.getSQLState() == null || !one.getSQLState().startsWith("22")) {
                        throw one;
                    }
                }
            }
        }
        return found;
    }

    private List<RowExpectation> byKeys(String sql, List<String> names, List<List<String>> keys)
            throws SQLException {
        List<RowExpectation> found = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < key.size(); i++) {
                String[] values = new String[keys.size()];
                for (int r = 0; r < keys.size(); r++) {
                    values[r] = keys.get(r).get(i);
                }
                Array array = connection.createArrayOf("text", values);
                ps.setArray(i + 1, array);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> texts = new ArrayList<>(names.size());
                while (rs.next()) {
                    texts.clear();
                    for (int i = 0; i < names.size(); i++) {
                        texts.add(rs.getString(i + 1));
                    }
                    found.add(renderer.render(table.schema(), table.table(), decode(names, texts)));
                }
            }
        }
        return found;
    }

    /** The key columns' text forms an index id stands for; null when it cannot be one. */
    private List<String> keyValues(String id) {
        if (key.size() == 1) {
            return List.of(id);
        }
        try {
            JsonNode node = JSON.readTree(id);
            if (node == null || !node.isArray() || node.size() != key.size()) {
                return null;
            }
            List<String> values = new ArrayList<>();
            for (JsonNode v : node) {
                values.add(v.isNull() ? null : v.asText());
            }
            return values;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private LinkedHashMap<String, Object> decode(List<String> names, List<String> texts) {
        LinkedHashMap<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String text = texts.get(i);
            int oid = oids.get(columns.indexOf(names.get(i)));
            row.put(names.get(i), text == null ? null : decoder.decodeText(oid, text));
        }
        return row;
    }

    private void readColumns() throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT a.attname, a.atttypid::int, format_type(a.atttypid, a.atttypmod)"
                                + " FROM pg_attribute a WHERE a.attrelid = ?::regclass"
                                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                List<String> types = new ArrayList<>();
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    oids.add(rs.getInt(2));
                    types.add(rs.getString(3));
                }
                for (String k : key) {
                    int i = columns.indexOf(k);
                    keyTypes.add(i < 0 ? "text" : types.get(i));
                }
            }
        }
    }

    /** The server's WAL insert position now, as the version a repair writes with. */
    static Lsn currentLsn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_current_wal_lsn()::text");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }
}
