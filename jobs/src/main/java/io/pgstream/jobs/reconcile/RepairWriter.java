package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.embedding.EmbeddingException;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.embedding.PermanentEmbeddingException;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorWrite;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the repairs of one page: re-embeds missing and stale rows and deletes vectors that must go
 * (orphans, and stale vectors of rows the job does not embed), every write versioned with the WAL
 * position read before the page was read and applied through the sink's guarded applier. So a
 * change the running sync writes later (higher commit LSN) replaces the repair, and the repair
 * never replaces or deletes a vector the sync wrote for a newer change.
 *
 * <p>The model is created on first use: a check that finds no drift never loads it. Texts go to the
 * model in batches of {@code embedding.batch-size}; a batch the model refuses is retried text by
 * text, and rows whose text is still refused are counted, not written.
 */
final class RepairWriter implements AutoCloseable {

    private final VectorIndex index;
    private final EmbeddingModel.Factory models;
    private final int batchSize;
    private final SinkRetry retry;
    private EmbeddingModel model;

    RepairWriter(VectorIndex index, EmbeddingModel.Factory models, int batchSize) {
        this.index = index;
        this.retry = SinkRetry.defaults("the vector index");
        this.models = models;
        this.batchSize = batchSize;
    }

    /**
     * Re-embeds {@code embed} and deletes the vectors of {@code delete} (ids), at version {@code
     * lsn}.
     *
     * @return the ids of the rows of {@code embed} the model refused (left unwritten)
     */
    List<String> repair(
            String sourceTable, List<RowExpectation> embed, Collection<String> delete, Lsn lsn)
            throws IOException {
        List<VectorWrite> writes = new ArrayList<>();
        Instant now = Instant.now();
        for (String id : delete) {
            writes.add(VectorWrite.delete(sourceTable, id, lsn, now));
        }
        List<String> refused = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (RowExpectation row : embed) {
            texts.addAll(row.chunks());
        }
        List<float[]> vectors = embed(texts);
        int next = 0;
        for (RowExpectation row : embed) {
            List<VectorWrite.Chunk> chunks = new ArrayList<>();
            boolean complete = true;
            for (int c = 0; c < row.chunks().size(); c++) {
                float[] v = vectors.get(next++);
                if (v == null) {
                    complete = false;
                } else {
                    chunks.add(new VectorWrite.Chunk(c, row.chunks().get(c), v));
                }
            }
            if (complete) {
                writes.add(
                        VectorWrite.upsert(
                                sourceTable,
                                row.id(),
                                chunks,
                                row.contentHash(),
                                row.metadataJson(),
                                lsn,
                                now));
            } else {
                refused.add(row.id());
            }
        }
        if (!writes.isEmpty()) {
            // A running sync writes the same table: a deadlock between its batch and this one
            // is transient, and the version guard makes re-applying the batch harmless.
            retry.run(() -> index.apply(writes), index::reconnect, writes.size());
        }
        return refused;
    }

    /**
     * A row deleted after its page was read may have had its delete applied by the running sync
     * before the repair wrote it back (a delete leaves no tombstone, so the older repair write
     * recreates the vectors). Asking the table again after the write closes that (for reconcile and
     * for dead-letter replay alike): a row gone now has its vectors deleted with a newer version; a
     * delete committed after this question reaches the sync after the repair write, and removes it.
     */
    void deleteIfGone(Connection c, SourceTable rows, List<RowExpectation> written)
            throws IOException, SQLException {
        if (written.isEmpty()) {
            return;
        }
        Lsn lsn = SourceTable.currentLsn(c);
        Set<String> ids = new LinkedHashSet<>();
        written.forEach(r -> ids.add(r.id()));
        ids.removeAll(rows.presentIds(ids));
        if (!ids.isEmpty()) {
            repair(rows.name(), List.of(), ids, lsn);
        }
    }

    /** One vector per text, null where the model refuses the text. */
    private List<float[]> embed(List<String> texts) throws IOException {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            try {
                vectors.addAll(model().embed(batch));
            } catch (PermanentEmbeddingException e) {
                for (String text : batch) {
                    vectors.add(embedOne(text));
                }
            } catch (EmbeddingException e) {
                throw new IOException("embedding repairs failed: " + e.getMessage(), e);
            }
        }
        return vectors;
    }

    private float[] embedOne(String text) throws IOException {
        try {
            return model().embed(List.of(text)).get(0);
        } catch (PermanentEmbeddingException e) {
            return null;
        } catch (EmbeddingException e) {
            throw new IOException("embedding repairs failed: " + e.getMessage(), e);
        }
    }

    private EmbeddingModel model() throws EmbeddingException {
        if (model == null) {
            model = models.create();
        }
        return model;
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
        }
    }
}
