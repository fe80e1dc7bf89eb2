package io.pgstream.jobs.document;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.RowValues;
import io.pgstream.connector.pgoutput.TypeRegistry;
import io.pgstream.connector.pgoutput.ValueDecoder;
import io.pgstream.connector.slot.Identifiers;
import io.pgstream.connector.slot.ServerCatalog;
import io.pgstream.connector.slot.TableId;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a row's current values of the text's columns back from PostgreSQL by key, for an update
 * that left one of them as unchanged TOAST (pgoutput does not send an out-of-line value the update
 * did not touch).
 *
 * <p>The values read are the row's newest committed ones, which may be newer than the change being
 * mapped. Written with the change's (older) version that is still correct: every later change of
 * the key follows in the stream and is applied after it, so the index converges on the same text,
 * and the content hash makes the later identical text cost no embedding. A row already deleted
 * reads as nothing; its delete follows in the stream. All the text's columns are read together, so
 * the rendered text is one the row really had. See {@code docs/toast.md}.
 *
 * <p>One connection per parallel mapper, opened on first use and reopened after a failure.
 */
public final class CurrentRowReader implements AutoCloseable {

    /** What the reader needs, shipped with the job. */
    public static final class Spec implements Serializable {
        private static final long serialVersionUID = 1L;

        private final PgConnectionConfig connection;
        private final Map<String, List<String>> keyColumns;

        /**
         * @param keyColumns per {@code schema.table}, its key columns (as {@link DocumentMapper})
         */
        public Spec(PgConnectionConfig connection, Map<String, List<String>> keyColumns) {
            this.connection = connection;
            this.keyColumns = Map.copyOf(keyColumns);
        }

        public CurrentRowReader open() {
            return new CurrentRowReader(this);
        }
    }

    private static final int ATTEMPTS = 3;

    private final Spec spec;
    private final ValueDecoder decoder = new ValueDecoder(new TypeRegistry());
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final Map<String, Map<String, Integer>> columnTypes = new HashMap<>();
    private Connection connection;
    private long reads;

    private CurrentRowReader(Spec spec) {
        this.spec = spec;
    }

    /**
     * The event with {@code columns} set to the row's current values and no longer marked unchanged
     * TOAST; the event itself when the row no longer exists.
     */
    public ChangeEvent fill(ChangeEvent event, Set<String> columns) throws IOException {
        String table = event.schema() + "." + event.table();
        List<String> key = spec.keyColumns.get(table);
        for (int attempt = 1; ; attempt++) {
            try {
                Map<String, Object> current = read(event, table, key, List.copyOf(columns));
                reads++;
                if (current == null) {
                    return event;
                }
                LinkedHashMap<String, Object> row = new LinkedHashMap<>(event.row());
                row.putAll(current);
                ChangeEvent.Builder b = event.toBuilder().ownedRow(row);
                b.clearUnchangedToastColumns(columns);
                return b.build();
            } catch (SQLException e) {
                closeConnection();
                if (attempt == ATTEMPTS) {
                    throw new IOException(
                            "Cannot read the current text of a row of "
                                    + table
                                    + " (an update left "
                                    + columns
                                    + " as unchanged TOAST) from PostgreSQL at "
                                    + spec.connection.host()
                                    + ":"
                                    + spec.connection.port()
                                    + ": "
                                    + e.getMessage(),
                            e);
                }
            }
        }
    }

    /** Rows read back so far (a metric: each is one point query on the source). */
    public long reads() {
        return reads;
    }

    private Map<String, Object> read(
            ChangeEvent event, String table, List<String> key, List<String> columns)
            throws SQLException {
        if (connection == null) {
            Properties props = spec.connection.jdbcProperties();
            // Key values are bound as text and typed by the server from the column they meet.
            props.setProperty("stringtype", "unspecified");
            props.setProperty("ApplicationName", "pgstream toast read-back");
            connection = spec.connection.connect(props);
            connection.setReadOnly(true);
        }
        PreparedStatement select = statement(event, table, key, columns);
        for (int i = 0; i < key.size(); i++) {
            Object value = event.row().get(key.get(i));
            select.setString(i + 1, value == null ? null : RowValues.toString(value));
        }
        Map<String, Integer> types = columnTypes.get(table);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Map<String, Object> values = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                String text = rs.getString(i + 1);
                String column = columns.get(i);
                values.put(
                        column,
                        text == null
                                ? null
                                : decoder.decodeText(types.getOrDefault(column, 25), text));
            }
            return values;
        }
    }

    private PreparedStatement statement(
            ChangeEvent event, String table, List<String> key, List<String> columns)
            throws SQLException {
        String cacheKey = table + columns;
        PreparedStatement s = statements.get(cacheKey);
        if (s != null) {
            return s;
        }
        String relation =
                Identifiers.quote(event.schema()) + "." + Identifiers.quote(event.table());
        if (!columnTypes.containsKey(table)) {
            columnTypes.put(table, columnTypes(event));
        }
        String sql =
                TextSelect.from(columns, relation)
                        + " WHERE "
                        + key.stream()
                                .map(c -> Identifiers.quote(c) + " = ?")
                                .collect(Collectors.joining(" AND "));
        s = connection.prepareStatement(sql);
        statements.put(cacheKey, s);
        return s;
    }

    private Map<String, Integer> columnTypes(ChangeEvent event) throws SQLException {
        Map<String, Integer> types = new HashMap<>();
        for (ServerCatalog.Column column :
                ServerCatalog.columns(connection, new TableId(event.schema(), event.table()))) {
            types.put(column.name(), column.typeOid());
        }
        return types;
    }

    private void closeConnection() {
        statements.clear();
        columnTypes.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is being replaced because it failed
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
