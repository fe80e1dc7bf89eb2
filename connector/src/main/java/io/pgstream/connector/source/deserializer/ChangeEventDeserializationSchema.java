package io.pgstream.connector.source.deserializer;

import io.pgstream.connector.event.ChangeEvent;
import java.io.Serializable;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.util.Collector;

/**
 * Turns decoded changes into the source's output type: users pick {@link ChangeEvent} itself
 * ({@link #changeEvents()}), JSON strings ({@link #json()}), or their own type.
 *
 * <p>Called on the source reader's task thread, once per change, in commit order. It may emit zero
 * or more records; an exception fails the task (and the job restarts from its last checkpoint,
 * losing nothing).
 */
public interface ChangeEventDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /** Converts one change; must not block. */
    void deserialize(ChangeEvent event, Collector<T> out) throws Exception;

    /** Emits the {@link ChangeEvent}s themselves. */
    static ChangeEventDeserializationSchema<ChangeEvent> changeEvents() {
        return new ChangeEventSchema();
    }

    /** Emits one JSON object per change, in the README's "JSON change format". */
    static ChangeEventDeserializationSchema<String> json() {
        return new JsonChangeEventSchema();
    }
}
