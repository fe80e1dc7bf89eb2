package io.pgstream.jobs.document;

import io.pgstream.connector.event.ChangeEvent;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DocumentMapper} as a Flink function: one change event to zero or more changes. An
 * update whose text has a column left as unchanged TOAST first gets that column's current value
 * from the table ({@link CurrentRowReader}), so the text embedded is the row's whole new text. A
 * table whose template column went away is logged once per subtask. Runs chained to the source, so
 * the changes keep their order.
 */
public final class DocumentMapping extends RichFlatMapFunction<ChangeEvent, DocumentChange> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DocumentMapping.class);

    private final DocumentMapper mapper;
    private final CurrentRowReader.Spec currentRows;
    private transient CurrentRowReader reader;
    private transient Set<String> warned;

    /**
     * @param currentRows where unchanged TOAST values are read back from; null to leave such texts
     *     unknown (the upsert then refreshes metadata only)
     */
    public DocumentMapping(DocumentMapper mapper, CurrentRowReader.Spec currentRows) {
        this.mapper = mapper;
        this.currentRows = currentRows;
    }

    @Override
    public void open(OpenContext context) {
        warned = new HashSet<>();
        if (currentRows != null) {
            reader = currentRows.open();
            getRuntimeContext().getMetricGroup().gauge("toastReadBacks", () -> reader.reads());
        }
    }

    @Override
    public void flatMap(ChangeEvent event, Collector<DocumentChange> out) throws Exception {
        if (reader != null) {
            Set<String> missing = mapper.missingTextColumns(event);
            if (!missing.isEmpty()) {
                event = reader.fill(event, missing);
            }
        }
        mapper.map(event, change -> emit(change, out));
    }

    private void emit(DocumentChange change, Collector<DocumentChange> out) {
        if (change.textError() != null && warned.add(change.sourceTable())) {
            LOG.warn("{}; its rows become dead letters until then", change.textError());
        }
        out.collect(change);
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.close();
        }
    }
}
