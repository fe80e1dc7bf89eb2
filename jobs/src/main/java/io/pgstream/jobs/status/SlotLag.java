package io.pgstream.jobs.status;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.slot.SlotManager;
import java.util.function.Supplier;

/**
 * The slot's lag for the status line: WAL written that the job has not confirmed yet, as {@link
 * SlotManager#status} reads it ({@code pgstream status} prints the same figure). Null when the
 * server cannot be asked or the slot does not exist yet; never throws.
 */
public final class SlotLag implements Supplier<Long> {

    private final SlotManager slots;
    private final String slot;
    private final String publication;

    public SlotLag(PgConnectionConfig source, String slot, String publication) {
        this.slots = new SlotManager(source);
        this.slot = slot;
        this.publication = publication;
    }

    /** Asks the server (one short connection); blocks for that long. */
    @Override
    public Long get() {
        try {
            return slots.status(slot, publication).lagBytes();
        } catch (Exception e) {
            return null;
        }
    }
}
