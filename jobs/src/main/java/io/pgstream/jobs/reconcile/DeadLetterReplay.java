package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.sink.DeadLetterTable;
import io.pgstream.jobs.templates.JobConfig;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Gives dead-lettered rows another try, from their <b>current</b> value in the table, not the text
 * that was refused: the engine of {@code pgstream dead-letters replay}. Per table of the job, the
 * ids with letters are read a page at a time; each page's rows are read as they are now and
 * compared with the index as {@code reconcile} compares them. A row already in the index as it is
 * now (a later change succeeded) needs no model call; a missing or stale one is re-embedded and
 * written with the sink's version guard, at the WAL position read before the rows, so a change the
 * running sync writes later wins. A row deleted since is only removed from the letters. The letters
 * of every row now in the index are deleted; those whose text the model still refuses stay.
 */
public final class DeadLetterReplay {

    /** What a replay did; printed as one JSON object. */
    public record Report(
            long rows, long replayed, long alreadyInIndex, long rowsGone, long stillFailing) {

        /** Exit code 0 when no letter is left for a row of the job, 3 when some still fail. */
        public int exitCode() {
            return stillFailing == 0 ? ReconcileReport.IN_SYNC : ReconcileReport.DRIFT;
        }

        public String toJson() {
            return "{\"rows\":"
                    + rows
                    + ",\"replayed\":"
                    + replayed
                    + ",\"already_in_index\":"
                    + alreadyInIndex
                    + ",\"rows_gone\":"
                    + rowsGone
                    + ",\"still_failing\":"
                    + stillFailing
                    + "}";
        }
    }

    private final JobConfig job;
    private final VectorIndex index;
    private final EmbeddingModel.Factory models;
    private final DeadLetterTable letters;
    private final int pageSize;

    public DeadLetterReplay(
            JobConfig job,
            VectorIndex index,
            EmbeddingModel.Factory models,
            DeadLetterTable letters,
            int pageSize) {
        this.job = job;
        this.index = index;
        this.models = models;
        this.letters = letters;
        this.pageSize = pageSize;
    }

    /**
     * Replays the letters of {@code onlyTable} ({@code schema.table}), or of every table of the job
     * when null. Letters of tables the job does not sync are left alone.
     */
    public Report run(String onlyTable) throws IOException, SQLException {
        JobTables tables = JobTables.of(job);
        long rows = 0, replayed = 0, inIndex = 0, gone = 0, failing = 0;
        try (Connection c = tables.connect("pgstream dead-letters replay");
                RepairWriter writer =
                        new RepairWriter(index, models, job.embedding().batchSize())) {
            for (String table : tables.keys().keySet()) {
                if (onlyTable != null && !onlyTable.equals(table)) {
                    continue;
                }
                SourceTable source = tables.table(c, table, pageSize);
                String after = null;
                for (List<String> ids = letters.ids(table, null, pageSize);
                        !ids.isEmpty();
                        ids = letters.ids(table, after, pageSize)) {
                    after = ids.get(ids.size() - 1);
                    rows += ids.size();
                    Lsn lsn = SourceTable.currentLsn(c);
                    List<RowExpectation> current = source.currentRows(ids);
                    Set<String> present = new HashSet<>();
                    current.forEach(r -> present.add(r.id()));
                    gone += ids.stream().filter(id -> !present.contains(id)).count();

                    Set<String> keep = new LinkedHashSet<>();
                    List<RowExpectation> embed = new ArrayList<>();
                    // Asked per page: a running sync may create the index meanwhile.
                    boolean indexExists = index.exists();
                    List<StoredChunk> stored =
                            indexExists ? index.chunksOf(table, current) : List.of();
                    for (PageComparison.RowVerdict v :
                            PageComparison.compare(current, stored, lsn)) {
                        if (!v.row().embeddable()) {
                            keep.add(v.row().id());
                        } else if (v.verdict() == PageComparison.Verdict.IN_SYNC
                                || v.verdict() == PageComparison.Verdict.CHANGED_DURING_CHECK) {
                            // As the row is now, or newer: the sync wrote a later change.
                            inIndex++;
                        } else {
                            embed.add(v.row());
                        }
                    }
                    if (!embed.isEmpty()) {
                        if (!indexExists) {
                            index.prepare();
                        }
                        List<String> refused = writer.repair(table, embed, List.of(), lsn);
                        keep.addAll(refused);
                        replayed += embed.size() - refused.size();
                        writer.deleteIfGone(c, source, embed);
                    }
                    failing += keep.size();
                    List<String> resolved = new ArrayList<>(ids);
                    resolved.removeAll(keep);
                    letters.resolve(table, resolved, lsn);
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        return new Report(rows, replayed, inIndex, gone, failing);
    }
}
