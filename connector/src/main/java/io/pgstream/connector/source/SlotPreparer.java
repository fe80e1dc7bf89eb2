package io.pgstream.connector.source;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.io.Serializable;
import java.util.List;

/**
 * Makes sure a split's publication and slot exist before reading starts. Runs once per fresh job,
 * on the enumerator's worker thread. Serializable: it travels with the source.
 */
@FunctionalInterface
public interface SlotPreparer extends Serializable {

    /**
     * Blocks while talking to PostgreSQL; idempotent.
     *
     * @throws Exception with a message that says how to fix the setup
     */
    void prepare(
            PgConnectionConfig connection, String slot, String publication, List<String> tables)
            throws Exception;
}
