package io.pgstream.connector.slot;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The publication statements, built in one place because they are both executed by {@link
 * SlotManager} and quoted as fixes in error messages, and must be the same text in both.
 *
 * <p>DDL cannot take bound parameters, so every name is quoted with {@link Identifiers#quote}.
 */
final class PublicationSql {
    private PublicationSql() {}

    /** {@code CREATE PUBLICATION "p" FOR TABLE "s"."a", "s"."b" WITH (...)}. */
    static String create(String publication, List<TableId> tables, boolean viaRoot) {
        return "CREATE PUBLICATION "
                + Identifiers.quote(publication)
                + " FOR TABLE "
                + list(tables)
                + " WITH (publish_via_partition_root = "
                + viaRoot
                + ")";
    }

    /**
     * The comment that marks a publication pgstream created: pgstream adds tables to such a
     * publication when the configuration gains them, and leaves every other publication as it is.
     */
    static final String MANAGED_COMMENT =
            "created by pgstream: pgstream adds configured tables to it";

    /** {@code COMMENT ON PUBLICATION "p" IS '...'}: marks a publication pgstream created. */
    static String markManaged(String publication) {
        return "COMMENT ON PUBLICATION "
                + Identifiers.quote(publication)
                + " IS '"
                + MANAGED_COMMENT
                + "'";
    }

    /** {@code ALTER PUBLICATION "p" ADD TABLE "s"."a", ...}. */
    static String addTables(String publication, List<TableId> tables) {
        return "ALTER PUBLICATION " + Identifiers.quote(publication) + " ADD TABLE " + list(tables);
    }

    /** {@code ALTER PUBLICATION "p" SET (...)}: what fixes a mismatched existing publication. */
    static String setOptions(String publication, boolean viaRoot) {
        return "ALTER PUBLICATION "
                + Identifiers.quote(publication)
                + " SET (publish = 'insert, update, delete, truncate',"
                + " publish_via_partition_root = "
                + viaRoot
                + ")";
    }

    /** {@code DROP PUBLICATION IF EXISTS "p"}. */
    static String dropIfExists(String publication) {
        return "DROP PUBLICATION IF EXISTS " + Identifiers.quote(publication);
    }

    private static String list(List<TableId> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("No tables to publish");
        }
        return tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
    }
}
