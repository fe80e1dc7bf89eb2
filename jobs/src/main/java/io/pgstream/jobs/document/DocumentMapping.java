package io.pgstream.jobs.document;

import io.pgstream.connector.event.ChangeEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** The {@link DocumentMapper} as a Flink function: one change event to zero or more changes. */
public final class DocumentMapping implements FlatMapFunction<ChangeEvent, DocumentChange> {
    private static final long serialVersionUID = 1L;

    private final DocumentMapper mapper;

    public DocumentMapping(DocumentMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void flatMap(ChangeEvent event, Collector<DocumentChange> out) {
        mapper.map(event, out::collect);
    }
}
