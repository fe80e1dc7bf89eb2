package io.pgstream.connector.slot;

import java.util.Objects;

/**
 * The server is not set up the way pgstream needs, in a way a person has to fix. The message says
 * what is wrong and how to fix it; {@link #reason()} lets a program tell the cases apart (the
 * command line exits with its own code for these).
 *
 * <p>Messages name roles, tables, slots and servers through {@code PgConnectionConfig#redacted()}
 * and never contain a password.
 */
public class PgStreamSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong, one constant per kind of fix. */
    public enum Reason {
        /** {@code wal_level} is not {@code logical}. */
        WAL_LEVEL,
        /** The role is neither superuser nor has the REPLICATION attribute. */
        NO_REPLICATION_PRIVILEGE,
        /**
         * The role may not create or extend the publication: it does not own a table (or the
         * publication), or lacks CREATE on the database.
         */
        NOT_TABLE_OWNER,
        /** A table does not exist, or is not a table. */
        UNKNOWN_TABLE,
        /** A table's updates and deletes would carry no key. */
        NO_REPLICA_IDENTITY,
        /** The slot is in use by another process. */
        SLOT_ACTIVE,
        /** {@code max_replication_slots} are all taken. */
        NO_FREE_SLOTS,
        /** The slot exists with an output plugin other than pgoutput, or is physical. */
        WRONG_PLUGIN,
        /** The slot exists but belongs to another database of the same server. */
        SLOT_IN_OTHER_DATABASE,
        /** The publication exists but differs from what was asked in a way pgstream won't fix. */
        PUBLICATION_MISMATCH,
        /** The server could not be reached or refused the login. */
        CONNECTION
    }

    private final Reason reason;

    public PgStreamSetupException(Reason reason, String message) {
        this(reason, message, null);
    }

    public PgStreamSetupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
