package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Operation;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.document.DocumentMapper;
import io.pgstream.jobs.embedding.ContentHash;
import io.pgstream.jobs.embedding.EmbeddingOperatorConfig;
import io.pgstream.jobs.embedding.TextChunker;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.Models;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Renders a table row into what the sync job would write for it, by the job's own rules: the row
 * goes through {@link DocumentMapper} as a snapshot read would (key, text, metadata), the text is
 * hashed with {@link ContentHash} for the job's model and cut with the job's {@link TextChunker},
 * and a text over {@code embedding.max-text-chars} (chunking off) is marked not embeddable, as the
 * job dead-letters it. One renderer serves every table of a job.
 */
public final class RowRenderer {

    private final DocumentMapper mapper;
    private final TextChunker chunker;
    private final int maxTextChars;
    private final String modelId;

    public RowRenderer(
            DocumentMapper mapper, TextChunker chunker, int maxTextChars, String modelId) {
        this.mapper = mapper;
        this.modelId = modelId;
        this.chunker = chunker;
        this.maxTextChars = maxTextChars;
    }

    /** The renderer of a job file's {@code embedding:} section, with the operator's settings. */
    public static RowRenderer of(DocumentMapper mapper, JobConfig.Embedding e) {
        EmbeddingOperatorConfig operator = Models.operator(e);
        return new RowRenderer(mapper, operator.chunker(), operator.maxTextChars(), Models.id(e));
    }

    /**
     * @param row the row's decoded values by column, in column order
     */
    public RowExpectation render(String schema, String table, LinkedHashMap<String, Object> row) {
        ChangeEvent read =
                ChangeEvent.builder(Operation.READ).table(schema, table).ownedRow(row).build();
        List<DocumentChange> out = new ArrayList<>(1);
        mapper.map(read, out::add);
        if (out.size() != 1 || (out.get(0).text() == null && out.get(0).textError() == null)) {
            throw new IllegalStateException(
                    "table " + schema + "." + table + " is not one the job indexes");
        }
        DocumentChange d = out.get(0);
        // Only a presence check reads a row without the text's columns (its key alone), and only
        // its id counts; full reads have them all, as the job's startup check makes sure.
        String text = d.textError() != null ? "" : d.text();
        List<String> chunks = chunker == null ? List.of(text) : chunker.split(text);
        boolean embeddable = chunker != null || maxTextChars <= 0 || text.length() <= maxTextChars;
        return new RowExpectation(
                d.id(), text, ContentHash.of(modelId, text), chunks, d.metadataJson(), embeddable);
    }
}
