package io.pgstream.jobs.embedding;

import io.pgstream.jobs.sink.DeadLetterResolution;
import io.pgstream.jobs.sink.VectorWrite;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * Which keys have a dead letter that no later write has made good: a REFUSED mark in keyed state,
 * set when a refusal is emitted and cleared when a later upsert or delete of the key is emitted,
 * which then also sends a {@link DeadLetterResolution} down the ordered dead-letter output. So the
 * dead-letter table hears only of keys that were refused; every other write costs one keyed-state
 * read and no database round trip. The mark lives in checkpoints, so it survives a restore. Task
 * thread only; methods need the key as the operator's current key.
 */
final class RefusedMarks {

    private final ValueState<Boolean> refused;

    private RefusedMarks(ValueState<Boolean> refused) {
        this.refused = refused;
    }

    static RefusedMarks register(StateInitializationContext context) {
        return new RefusedMarks(
                context.getKeyedStateStore()
                        .getState(new ValueStateDescriptor<>("refused", Types.BOOLEAN)));
    }

    /** Whether emitting {@code write} may change a mark: it is a refusal, an upsert or a delete. */
    static boolean concerns(PendingWrite write) {
        if (write.deadLetter() != null) {
            return true;
        }
        VectorWrite.Kind kind = write.write().kind();
        return kind == VectorWrite.Kind.UPSERT || kind == VectorWrite.Kind.DELETE;
    }

    /**
     * {@code write} of the current key was emitted: marks the key when it was refused; returns the
     * resolution to send when it wrote a marked key, else null.
     */
    DeadLetterResolution emitted(PendingWrite write) {
        try {
            if (write.deadLetter() != null) {
                refused.update(Boolean.TRUE);
                return null;
            }
            if (!concerns(write) || refused.value() == null) {
                return null;
            }
            refused.clear();
            VectorWrite w = write.write();
            return new DeadLetterResolution(w.sourceTable(), w.id(), w.lsn());
        } catch (Exception e) {
            throw new IllegalStateException("cannot keep the refused mark of " + write.key, e);
        }
    }
}
