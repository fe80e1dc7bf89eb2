package io.pgstream.connector.slot;

import java.util.List;

/**
 * What {@link SlotManager#setup} still has to create, decided by {@link Preflight} after every
 * check passed. An empty plan means the server is already set up.
 *
 * @param createPublication create the publication with all of the spec's tables
 * @param tablesToAdd tables to add to the existing publication (empty when creating it)
 * @param createSlot create the pgoutput slot
 */
record SetupPlan(boolean createPublication, List<TableId> tablesToAdd, boolean createSlot) {

    SetupPlan {
        tablesToAdd = List.copyOf(tablesToAdd);
    }
}
