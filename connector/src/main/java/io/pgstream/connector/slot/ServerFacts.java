package io.pgstream.connector.slot;

import java.util.List;

/**
 * What {@link Preflight} needs to know about the server, read in one go by {@link ServerCatalog} so
 * the checks themselves are pure functions that unit tests can drive without a server.
 *
 * @param walLevel the {@code wal_level} setting
 * @param database the connected database
 * @param role the connected role
 * @param maxSlots {@code max_replication_slots}
 * @param usedSlots slots that exist now, in any database
 * @param tables one entry per table of the spec, in its order
 * @param slot the slot, or null when it does not exist
 * @param publication the publication, or null when it does not exist
 */
record ServerFacts(
        String walLevel,
        String database,
        Role role,
        int maxSlots,
        int usedSlots,
        List<Table> tables,
        Slot slot,
        Publication publication) {

    /**
     * The connected role's relevant attributes.
     *
     * @param mayCreate whether it has CREATE on the database, which {@code CREATE PUBLICATION}
     *     needs
     */
    record Role(String name, boolean superuser, boolean replication, boolean mayCreate) {}

    /**
     * One requested table.
     *
     * @param exists whether {@code pg_class} has a relation by this name
     * @param kind {@code pg_class.relkind}: 'r' table, 'p' partitioned table, others not tables
     * @param replicaIdentity {@code pg_class.relreplident}: 'd', 'f', 'i' or 'n'
     * @param hasPrimaryKey whether a primary key index exists
     * @param hasIdentityIndex whether an index is marked as the replica identity
     * @param owned whether the connected role is (a member of) the owner
     * @param owner the owning role
     * @param published whether the publication already covers the table
     */
    record Table(
            TableId id,
            boolean exists,
            char kind,
            char replicaIdentity,
            boolean hasPrimaryKey,
            boolean hasIdentityIndex,
            boolean owned,
            String owner,
            boolean published) {

        static Table missing(TableId id) {
            return new Table(id, false, ' ', ' ', false, false, false, null, false);
        }
    }

    /**
     * An existing replication slot.
     *
     * @param logical whether it is a logical slot (physical slots have no plugin or database)
     * @param plugin the output plugin, null for physical slots
     * @param database the database a logical slot decodes, null for physical slots
     * @param activePid the walsender using it, or null
     */
    record Slot(
            String name,
            boolean logical,
            String plugin,
            String database,
            boolean active,
            Integer activePid) {}

    /**
     * The process streaming from a slot, as {@code pg_stat_activity} shows it to the connected role
     * (roles without {@code pg_read_all_stats} may see nulls for other roles' sessions).
     *
     * @param pid the walsender's PID
     * @param application its {@code application_name}, or null when hidden
     * @param clientAddress the client's address, {@code "local socket"} for a Unix-domain socket
     *     connection, or null when hidden
     */
    record SlotHolder(int pid, String application, String clientAddress) {}

    /**
     * An existing publication.
     *
     * @param owned whether the connected role is (a member of) the owner
     * @param allTables created {@code FOR ALL TABLES}
     * @param publishes whether it publishes inserts, updates and deletes (all three)
     * @param viaRoot {@code publish_via_partition_root}
     */
    record Publication(
            String name,
            String owner,
            boolean owned,
            boolean allTables,
            boolean publishes,
            boolean viaRoot,
            boolean managed) {}
}
