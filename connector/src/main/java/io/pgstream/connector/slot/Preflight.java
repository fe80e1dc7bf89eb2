package io.pgstream.connector.slot;

import java.util.List;

/**
 * The checks {@link SlotManager#setup} runs before it creates anything, as pure functions of what
 * {@link ServerCatalog} read, so that a failing check leaves the server untouched and every check
 * can be unit-tested without a server.
 *
 * <p>Checks run in the order a person would fix things: server settings, the role, table names, the
 * existing slot and publication, ownership, replica identity, free slots. Each failure reports
 * every table it applies to, not just the first.
 */
final class Preflight {
    private Preflight() {}

    /**
     * Checks everything and returns what is left to create.
     *
     * @throws PgStreamSetupException the first problem found, saying how to fix it
     */
    static SetupPlan plan(ReplicationSpec spec, ServerFacts facts) throws PgStreamSetupException {
        checkWalLevel(facts.walLevel());
        checkRole(facts.role());
        checkTablesExist(facts);
        checkSlot(facts.slot(), facts.database());
        ServerFacts.Publication publication = facts.publication();
        List<ServerFacts.Table> toPublish =
                facts.tables().stream().filter(t -> publication == null || !t.published()).toList();
        checkPublication(spec, publication, facts.tables(), toPublish);
        checkOwnership(spec, facts.database(), facts.role(), toPublish, publication == null);
        checkReplicaIdentity(facts.tables());
        if (facts.slot() == null) {
            checkFreeSlots(facts.usedSlots(), facts.maxSlots());
        }
        return new SetupPlan(
                publication == null,
                publication == null
                        ? List.of()
                        : toPublish.stream().map(ServerFacts.Table::id).toList(),
                facts.slot() == null);
    }

    /** Logical decoding needs {@code wal_level = logical}; anything else is a restart away. */
    static void checkWalLevel(String walLevel) throws PgStreamSetupException {
        if (!"logical".equals(walLevel)) {
            throw SetupProblems.walLevel(walLevel);
        }
    }

    static void checkRole(ServerFacts.Role role) throws PgStreamSetupException {
        if (!role.superuser() && !role.replication()) {
            throw SetupProblems.noReplicationPrivilege(role.name());
        }
    }

    private static void checkTablesExist(ServerFacts facts) throws PgStreamSetupException {
        List<ServerFacts.Table> unknown =
                facts.tables().stream()
                        .filter(t -> !t.exists() || (t.kind() != 'r' && t.kind() != 'p'))
                        .toList();
        if (!unknown.isEmpty()) {
            throw SetupProblems.unknownTables(unknown, facts.database());
        }
    }

    /** An existing slot must be a pgoutput slot of this database; whether it is busy is fine. */
    static void checkSlot(ServerFacts.Slot slot, String database) throws PgStreamSetupException {
        if (slot == null) {
            return;
        }
        if (!slot.logical() || !"pgoutput".equals(slot.plugin())) {
            throw SetupProblems.wrongPlugin(slot);
        }
        if (!database.equals(slot.database())) {
            throw SetupProblems.slotInOtherDatabase(slot, database);
        }
    }

    /**
     * An existing publication is used as it is: it may have been created by an administrator for
     * other readers too, so a table it lacks or an option it has differently is reported with the
     * statement that fixes it, never altered behind anyone's back. The exception is a publication
     * pgstream created itself: a table added to the configuration is added to it (the restore of a
     * job whose configuration gained a table depends on that).
     */
    private static void checkPublication(
            ReplicationSpec spec,
            ServerFacts.Publication publication,
            List<ServerFacts.Table> tables,
            List<ServerFacts.Table> toPublish)
            throws PgStreamSetupException {
        if (publication == null) {
            if (spec.tables().isEmpty()) {
                throw SetupProblems.publicationMissing(spec.publication());
            }
            return;
        }
        // Without insert/update/delete changes would be missed; publish_via_partition_root only
        // matters for partitioned tables (their changes would carry the partitions' names).
        boolean partitioned = tables.stream().anyMatch(t -> t.kind() == 'p');
        if (!publication.publishes()
                || (partitioned && publication.viaRoot() != spec.publishViaPartitionRoot())) {
            throw SetupProblems.publicationOptions(publication, spec.publishViaPartitionRoot());
        }
        if (!toPublish.isEmpty() && !publication.managed()) {
            throw SetupProblems.publicationLacksTables(
                    publication, toPublish.stream().map(ServerFacts.Table::id).toList());
        }
    }

    /**
     * {@code CREATE PUBLICATION ... FOR TABLE} and {@code ADD TABLE} need the table's owner, and
     * creating needs CREATE on the database too.
     */
    private static void checkOwnership(
            ReplicationSpec spec,
            String database,
            ServerFacts.Role role,
            List<ServerFacts.Table> toPublish,
            boolean creating)
            throws PgStreamSetupException {
        if (role.superuser()) {
            return;
        }
        List<ServerFacts.Table> foreign = toPublish.stream().filter(t -> !t.owned()).toList();
        if (!foreign.isEmpty()) {
            throw SetupProblems.notTableOwner(role.name(), foreign, spec, creating);
        }
        if (creating && !role.mayCreate()) {
            throw SetupProblems.noCreatePrivilege(role.name(), database, spec);
        }
    }

    /**
     * Without a key PostgreSQL logs updates and deletes of a published table with nothing to
     * identify the row, and refuses them outright on the primary.
     */
    static void checkReplicaIdentity(List<ServerFacts.Table> tables) throws PgStreamSetupException {
        List<ServerFacts.Table> keyless =
                tables.stream().filter(t -> !hasReplicaIdentity(t)).toList();
        if (!keyless.isEmpty()) {
            throw SetupProblems.noReplicaIdentity(keyless);
        }
    }

    private static boolean hasReplicaIdentity(ServerFacts.Table t) {
        switch (t.replicaIdentity()) {
            case 'f':
                return true;
            case 'd':
                return t.hasPrimaryKey();
            case 'i':
                return t.hasIdentityIndex();
            default:
                return false;
        }
    }

    static void checkFreeSlots(int used, int max) throws PgStreamSetupException {
        if (used >= max) {
            throw SetupProblems.noFreeSlots(used, max);
        }
    }
}
