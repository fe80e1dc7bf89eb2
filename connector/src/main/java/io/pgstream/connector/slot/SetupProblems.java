package io.pgstream.connector.slot;

import io.pgstream.connector.slot.PgStreamSetupException.Reason;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The wording of every setup problem: what is wrong, then how to fix it, with the statement to run
 * where there is one. Kept apart from the checks so the messages read consistently and tests can
 * pin them down.
 *
 * <p>It is over 300 lines because it holds one factory per setup problem, each naming its fix, on
 * purpose: every setup message a person reads is in one place.
 */
final class SetupProblems {
    private SetupProblems() {}

    static PgStreamSetupException connection(String redactedDsn, String detail, Throwable cause) {
        return new PgStreamSetupException(
                Reason.CONNECTION,
                "cannot connect to "
                        + redactedDsn
                        + ": "
                        + stripFinalPeriod(detail)
                        + "; check the host, port, database, user and password of the DSN, and"
                        + " that pg_hba.conf admits this client",
                cause);
    }

    private static String stripFinalPeriod(String text) {
        String t = text == null ? "" : text.strip();
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    static PgStreamSetupException walLevel(String walLevel) {
        return new PgStreamSetupException(
                Reason.WAL_LEVEL,
                "wal_level is '"
                        + walLevel
                        + "'; set wal_level = logical in postgresql.conf (or run ALTER SYSTEM SET"
                        + " wal_level = logical) and restart PostgreSQL");
    }

    static PgStreamSetupException noReplicationPrivilege(String role) {
        return new PgStreamSetupException(
                Reason.NO_REPLICATION_PRIVILEGE,
                "role '"
                        + role
                        + "' has neither the REPLICATION attribute nor superuser, which"
                        + " replication slots need; as a superuser run: ALTER ROLE "
                        + Identifiers.quote(role)
                        + " REPLICATION");
    }

    static PgStreamSetupException unknownTables(List<ServerFacts.Table> tables, String database) {
        String names =
                tables.stream().map(SetupProblems::describe).collect(Collectors.joining(", "));
        return new PgStreamSetupException(
                Reason.UNKNOWN_TABLE,
                (tables.size() == 1 ? "unknown table " : "unknown tables ")
                        + names
                        + " in database '"
                        + database
                        + "'; check the spelling and the database in the DSN (unquoted names are"
                        + " folded to lower case: write \"MixedCase\" in double quotes, and"
                        + " schema.table for a schema other than public)");
    }

    private static String describe(ServerFacts.Table t) {
        if (!t.exists()) {
            return t.id().toString();
        }
        return t.id() + " (a " + kindName(t.kind()) + ", not a table)";
    }

    private static String kindName(char kind) {
        switch (kind) {
            case 'v':
                return "view";
            case 'm':
                return "materialized view";
            case 'S':
                return "sequence";
            case 'f':
                return "foreign table";
            case 'i':
            case 'I':
                return "index";
            case 'c':
                return "composite type";
            default:
                return "relation of kind '" + kind + "'";
        }
    }

    static PgStreamSetupException notTableOwner(
            String role, List<ServerFacts.Table> tables, ReplicationSpec spec, boolean creating) {
        String names =
                tables.stream()
                        .map(t -> t.id() + " (owner '" + t.owner() + "')")
                        .collect(Collectors.joining(", "));
        String adminFix =
                creating
                        ? PublicationSql.create(
                                spec.publication(), spec.tables(), spec.publishViaPartitionRoot())
                        : PublicationSql.addTables(
                                spec.publication(),
                                tables.stream().map(ServerFacts.Table::id).toList());
        return new PgStreamSetupException(
                Reason.NOT_TABLE_OWNER,
                "role '"
                        + role
                        + "' does not own "
                        + names
                        + ", and only a table's owner may publish it; either make the role the"
                        + " owner (ALTER TABLE "
                        + tables.get(0).id().quoted()
                        + " OWNER TO "
                        + Identifiers.quote(role)
                        + "), or have the owner run: "
                        + adminFix
                        + " and run setup again");
    }

    static PgStreamSetupException noCreatePrivilege(
            String role, String database, ReplicationSpec spec) {
        return new PgStreamSetupException(
                Reason.NOT_TABLE_OWNER,
                "role '"
                        + role
                        + "' lacks the CREATE privilege on database '"
                        + database
                        + "', which CREATE PUBLICATION needs; as a superuser run: GRANT CREATE ON"
                        + " DATABASE "
                        + Identifiers.quote(database)
                        + " TO "
                        + Identifiers.quote(role)
                        + ", or have a superuser run: "
                        + PublicationSql.create(
                                spec.publication(), spec.tables(), spec.publishViaPartitionRoot()));
    }

    static PgStreamSetupException publicationLacksTables(
            ServerFacts.Publication publication, List<TableId> missing) {
        return new PgStreamSetupException(
                Reason.PUBLICATION_MISMATCH,
                "publication '"
                        + publication.name()
                        + "' exists but does not publish "
                        + missing.stream().map(TableId::toString).collect(Collectors.joining(", "))
                        + "; pgstream uses an existing publication as it is. Have its owner ('"
                        + publication.owner()
                        + "') run: "
                        + PublicationSql.addTables(publication.name(), missing)
                        + " (or choose another --publication)");
    }

    static PgStreamSetupException cannotDropPublication(
            String role, ServerFacts.Publication publication) {
        return new PgStreamSetupException(
                Reason.NOT_TABLE_OWNER,
                "publication '"
                        + publication.name()
                        + "' is owned by '"
                        + publication.owner()
                        + "', not by role '"
                        + role
                        + "', so only its owner may drop it; have the owner run: "
                        + PublicationSql.dropIfExists(publication.name()));
    }

    static PgStreamSetupException noReplicaIdentity(List<ServerFacts.Table> tables) {
        String names =
                tables.stream()
                        .map(t -> t.id() + " (" + identityProblem(t) + ")")
                        .collect(Collectors.joining(", "));
        String fixes =
                tables.stream()
                        .map(t -> "ALTER TABLE " + t.id().quoted() + " REPLICA IDENTITY FULL;")
                        .collect(Collectors.joining(" "));
        return new PgStreamSetupException(
                Reason.NO_REPLICA_IDENTITY,
                "no usable replica identity for "
                        + names
                        + ": its updates and deletes would carry no key, and PostgreSQL refuses"
                        + " them once the table is published; add a primary key, or run: "
                        + fixes);
    }

    private static String identityProblem(ServerFacts.Table t) {
        switch (t.replicaIdentity()) {
            case 'd':
                return "no primary key and REPLICA IDENTITY DEFAULT";
            case 'n':
                return "REPLICA IDENTITY NOTHING";
            case 'i':
                return "its REPLICA IDENTITY index no longer exists";
            default:
                return "replica identity '" + t.replicaIdentity() + "'";
        }
    }

    static PgStreamSetupException slotActive(String slot, Integer pid) {
        return new PgStreamSetupException(
                Reason.SLOT_ACTIVE,
                inUseBy(slot, pid)
                        + "; stop that consumer (for example cancel the Flink job reading it),"
                        + " or tear down with force (pgstream teardown --force) to terminate it");
    }

    /**
     * A new consumer was about to start on a slot another process streams from.
     *
     * @param slotSetting the setting that names the slot, for the fix ("source.slot", "--slot")
     */
    static PgStreamSetupException slotInUse(
            String slot, ServerFacts.SlotHolder holder, String slotSetting) {
        return new PgStreamSetupException(
                Reason.SLOT_ACTIVE,
                inUseBy(slot, holder.pid())
                        + " (application '"
                        + (holder.application() == null ? "unknown" : holder.application())
                        + "', client addr "
                        + (holder.clientAddress() == null ? "unknown" : holder.clientAddress())
                        + "); stop that process or use another "
                        + slotSetting);
    }

    static PgStreamSetupException slotStillActive(String slot, Integer pid, long seconds) {
        return new PgStreamSetupException(
                Reason.SLOT_ACTIVE,
                "replication slot '"
                        + slot
                        + "' is still in use by PID "
                        + pid
                        + " "
                        + seconds
                        + " s after terminating its consumer; a client may be reconnecting to it:"
                        + " stop that client and run teardown again");
    }

    static PgStreamSetupException cannotTerminate(String slot, Integer pid, String role) {
        return new PgStreamSetupException(
                Reason.SLOT_ACTIVE,
                inUseBy(slot, pid)
                        + " and role '"
                        + role
                        + "' may not terminate it; a superuser (or a member of"
                        + " pg_signal_backend) can run: SELECT pg_terminate_backend("
                        + pid
                        + ")");
    }

    /** "replication slot 'x' is in use by PID n", the start of every slot-in-use message. */
    private static String inUseBy(String slot, Object pid) {
        return "replication slot '" + slot + "' is in use by PID " + pid;
    }

    static PgStreamSetupException noFreeSlots(int used, int max) {
        return new PgStreamSetupException(
                Reason.NO_FREE_SLOTS,
                "all replication slots are taken ("
                        + used
                        + " of max_replication_slots = "
                        + max
                        + "); drop one that is no longer used (SELECT slot_name, active FROM"
                        + " pg_replication_slots; then SELECT pg_drop_replication_slot('name')),"
                        + " or raise max_replication_slots in postgresql.conf and restart"
                        + " PostgreSQL");
    }

    static PgStreamSetupException wrongPlugin(ServerFacts.Slot slot) {
        String what =
                slot.logical()
                        ? "uses output plugin '" + slot.plugin() + "'"
                        : "is a physical slot";
        return new PgStreamSetupException(
                Reason.WRONG_PLUGIN,
                "replication slot '"
                        + slot.name()
                        + "' "
                        + what
                        + ", but pgstream needs a logical slot with pgoutput; choose another slot"
                        + " name, or if nothing uses it drop it: SELECT pg_drop_replication_slot("
                        + Identifiers.literal(slot.name())
                        + ")");
    }

    static PgStreamSetupException slotInOtherDatabase(ServerFacts.Slot slot, String database) {
        return new PgStreamSetupException(
                Reason.SLOT_IN_OTHER_DATABASE,
                "replication slot '"
                        + slot.name()
                        + "' belongs to database '"
                        + slot.database()
                        + "', not '"
                        + database
                        + "'; slot names are shared by all databases of a server, so choose"
                        + " another slot name, or connect to '"
                        + slot.database()
                        + "'");
    }

    static PgStreamSetupException publicationMissing(String publication) {
        return new PgStreamSetupException(
                Reason.PUBLICATION_MISMATCH,
                "publication '"
                        + publication
                        + "' does not exist and no tables were given to create it with; name the"
                        + " tables to publish, or create it: CREATE PUBLICATION "
                        + Identifiers.quote(publication)
                        + " FOR TABLE ...");
    }

    static PgStreamSetupException publicationOptions(
            ServerFacts.Publication publication, boolean viaRoot) {
        String problem =
                !publication.publishes()
                        ? "does not publish all of insert, update and delete"
                        : "has publish_via_partition_root = "
                                + publication.viaRoot()
                                + ", not "
                                + viaRoot;
        return new PgStreamSetupException(
                Reason.PUBLICATION_MISMATCH,
                "publication '"
                        + publication.name()
                        + "' "
                        + problem
                        + "; if nothing else depends on that, run: "
                        + PublicationSql.setOptions(publication.name(), viaRoot)
                        + ", or choose another publication name");
    }
}
