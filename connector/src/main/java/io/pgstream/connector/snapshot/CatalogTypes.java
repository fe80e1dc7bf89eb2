package io.pgstream.connector.snapshot;

import io.pgstream.connector.pgoutput.TypeRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fills a {@link TypeRegistry} from the catalog the way pgoutput's Type messages would: every user
 * type by name, a domain by its base type, {@code pg_catalog} as the empty namespace. Snapshot rows
 * then decode with exactly the rules streamed rows do.
 */
public final class CatalogTypes {

    private CatalogTypes() {}

    public static TypeRegistry load(Connection c) throws SQLException {
        TypeRegistry registry = new TypeRegistry();
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT t.oid, CASE WHEN b.typnamespace = 'pg_catalog'::regnamespace"
                                        + " THEN '' ELSE n.nspname END, b.typname FROM pg_type t"
                                        + " JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd'"
                                        + " THEN t.typbasetype ELSE t.oid END"
                                        + " JOIN pg_namespace n ON n.oid = b.typnamespace"
                                        + " WHERE t.oid >= 16384")) {
            while (rs.next()) {
                registry.register((int) rs.getLong(1), rs.getString(2), rs.getString(3));
            }
        }
        return registry;
    }
}
