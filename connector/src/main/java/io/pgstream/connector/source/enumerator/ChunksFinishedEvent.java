package io.pgstream.connector.source.enumerator;

import java.util.List;
import org.apache.flink.api.connector.source.SourceEvent;

/** Sent by a reader once every row of these snapshot chunks was emitted. */
public record ChunksFinishedEvent(List<String> splitIds) implements SourceEvent {
    public ChunksFinishedEvent {
        splitIds = List.copyOf(splitIds);
    }
}
