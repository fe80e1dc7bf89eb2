package io.pgstream.connector.slot;

import java.util.List;

/**
 * A replication slot's state and its publication's tables, as {@link SlotManager#status} read them.
 * Everything about the slot is null (or false) when it does not exist.
 *
 * @param slot the slot name asked about
 * @param publication the publication name asked about
 * @param exists whether the slot exists
 * @param plugin its output plugin, null when absent or physical
 * @param active whether a walsender is streaming from it
 * @param activePid that walsender's PID, or null
 * @param confirmedFlushLsn the last position the consumer confirmed ({@code X/Y}), or null
 * @param restartLsn the oldest WAL the slot still needs ({@code X/Y}), or null
 * @param retainedWalBytes WAL the slot keeps on disk: current insert position minus restart LSN;
 *     null when unknown (absent slot, or a server in recovery)
 * @param lagBytes WAL written that the consumer has not confirmed yet: current insert position
 *     minus confirmed flush LSN; null when unknown
 * @param publicationExists whether the publication exists
 * @param publicationTables the tables the publication publishes, sorted; empty when absent
 */
public record SlotStatus(
        String slot,
        String publication,
        boolean exists,
        String plugin,
        boolean active,
        Integer activePid,
        String confirmedFlushLsn,
        String restartLsn,
        Long retainedWalBytes,
        Long lagBytes,
        boolean publicationExists,
        List<TableId> publicationTables) {

    public SlotStatus {
        publicationTables = List.copyOf(publicationTables);
    }

    static SlotStatus absent(
            String slot, String publication, boolean publicationExists, List<TableId> tables) {
        return new SlotStatus(
                slot,
                publication,
                false,
                null,
                false,
                null,
                null,
                null,
                null,
                null,
                publicationExists,
                tables);
    }
}
