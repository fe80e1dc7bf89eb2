package io.pgstream.connector.slot;

/**
 * What {@link SlotManager#teardown} did; all false when there was nothing left to drop.
 *
 * @param slotDropped whether a slot was dropped
 * @param publicationDropped whether a publication was dropped
 * @param terminatedPid the walsender terminated to free the slot (with force), or null
 */
public record TeardownResult(
        boolean slotDropped, boolean publicationDropped, Integer terminatedPid) {}
