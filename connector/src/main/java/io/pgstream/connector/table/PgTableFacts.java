package io.pgstream.connector.table;

import io.pgstream.connector.slot.TableId;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the planner needs to know about a PostgreSQL table: its columns, its primary key and its
 * replica identity (which decides what an UPDATE or DELETE carries of the old row).
 *
 * @param replicaIdentity {@code pg_class.relreplident}: {@code d}efault (primary key), {@code
 *     f}ull, {@code i}ndex, {@code n}othing
 * @param identityKey the columns an UPDATE or DELETE identifies the row by: the primary key under
 *     DEFAULT, the index's columns under USING INDEX, empty under FULL and NOTHING
 */
public record PgTableFacts(
        TableId table,
        List<PgColumn> columns,
        List<String> primaryKey,
        char replicaIdentity,
        List<String> identityKey) {

    public PgTableFacts {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        identityKey = List.copyOf(identityKey);
    }

    public Optional<PgColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public boolean replicaIdentityFull() {
        return replicaIdentity == 'f';
    }

    /** The column names, comma separated, for messages. */
    public String columnNames() {
        return columns.stream().map(PgColumn::name).collect(Collectors.joining(", "));
    }

    /** The statement that gives the table a full before image. */
    public String alterReplicaIdentityFull() {
        return "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL";
    }
}
