package io.pgstream.connector.slot;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SlotManager#setup} makes exist: a pgoutput slot reading a publication of these
 * tables.
 *
 * <p>Names are checked here, before any connection, because PostgreSQL would silently truncate a
 * name longer than 63 bytes (and a second setup would then look for the untruncated one) and
 * rejects slot names outside {@code [a-z0-9_]} only after connecting.
 *
 * @param slot the replication slot: {@code [a-z0-9_]}, at most 63 characters
 * @param publication the publication: any name of at most 63 bytes (it is always quoted)
 * @param tables the tables to publish, duplicates removed, order kept; empty means "use the
 *     existing publication as it is"
 * @param publishViaPartitionRoot publish a partitioned table's changes under its root's name
 */
public record ReplicationSpec(
        String slot, String publication, List<TableId> tables, boolean publishViaPartitionRoot) {

    /** PostgreSQL's NAMEDATALEN - 1. */
    public static final int MAX_NAME_BYTES = 63;

    public ReplicationSpec {
        checkSlotName(slot);
        checkPublicationName(publication);
        Objects.requireNonNull(tables, "tables");
        tables = List.copyOf(new LinkedHashSet<>(tables));
    }

    /** A spec that publishes partitions under their root's name, the default. */
    public ReplicationSpec(String slot, String publication, List<TableId> tables) {
        this(slot, publication, tables, true);
    }

    /**
     * Checks a replication slot name as PostgreSQL will.
     *
     * @throws IllegalArgumentException naming the bad name and the rule
     */
    public static void checkSlotName(String slot) {
        if (slot == null || slot.isEmpty()) {
            throw new IllegalArgumentException("Empty replication slot name");
        }
        if (slot.length() > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "Replication slot name '"
                            + slot
                            + "' is "
                            + slot.length()
                            + " characters long; the limit is "
                            + MAX_NAME_BYTES);
        }
        for (int i = 0; i < slot.length(); i++) {
            char c = slot.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_') {
                throw new IllegalArgumentException(
                        "Invalid replication slot name '"
                                + slot
                                + "': use only lower-case letters, digits and underscores"
                                + " ([a-z0-9_])");
            }
        }
    }

    private static void checkPublicationName(String publication) {
        if (publication == null || publication.isEmpty()) {
            throw new IllegalArgumentException("Empty publication name");
        }
        int bytes = publication.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "Publication name '"
                            + publication
                            + "' is "
                            + bytes
                            + " bytes long; the limit is "
                            + MAX_NAME_BYTES);
        }
        Identifiers.quote(publication);
    }
}
