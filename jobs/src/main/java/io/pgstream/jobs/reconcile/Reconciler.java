package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.templates.JobConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares a job's index with its tables and optionally repairs it; the engine of {@code pgstream
 * reconcile}. Per table, two passes, each holding one page in memory:
 *
 * <ol>
 *   <li><b>orphans</b>: the index's vectors of the table are scanned a page at a time, and each
 *       page's ids are looked up in the table with one query; vectors without a row are orphaned
 *       (with repair: deleted, guarded);
 *   <li><b>rows</b>: the table is walked in key order a page at a time (keyset pagination), each
 *       row rendered by the job's rules, and the page's stored chunks fetched by id with one query;
 *       rows without vectors are missing, rows whose vectors show another text are stale (with
 *       repair: re-embedded and written, guarded).
 * </ol>
 *
 * The orphan pass runs first so that {@code vectors} counts the index as found. Every repair is
 * versioned with {@code pg_current_wal_lsn()} read on the source connection just before the page it
 * repairs was read; see {@link RepairWriter} and {@code docs/operations.md} for what that means
 * while {@code sync} runs.
 */
public final class Reconciler {

    private final JobConfig job;
    private final VectorIndex index;
    private final EmbeddingModel.Factory models;
    private final int pageSize;
    private final boolean repair;
    private final ReconcileProgress progress;

    /**
     * @param progress where progress lines go (stderr), or null for none
     */
    public Reconciler(
            JobConfig job,
            VectorIndex index,
            EmbeddingModel.Factory models,
            int pageSize,
            boolean repair,
            PrintWriter progress) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be at least 1, got " + pageSize);
        }
        this.job = job;
        this.index = index;
        this.models = models;
        this.pageSize = pageSize;
        this.repair = repair;
        this.progress = new ReconcileProgress(progress, System::nanoTime);
    }

    /** Checks (and with repair, fixes) every table of the job. */
    public ReconcileReport run() throws IOException, SQLException {
        JobTables tables = JobTables.of(job);
        boolean exists = index.exists();
        if (repair && !exists) {
            index.prepare();
            exists = true;
        }
        List<TableReport> reports = new ArrayList<>();
        try (Connection c = tables.connect("pgstream reconcile");
                RepairWriter writer =
                        new RepairWriter(index, models, job.embedding().batchSize())) {
            for (String table : tables.keys().keySet()) {
                SourceTable rows = tables.table(c, table, pageSize);
                TableReport report = new TableReport(rows.name());
                if (exists) {
                    orphans(c, rows, report, writer);
                }
                rows(c, rows, report, writer, exists);
                reports.add(report);
            }
        } catch (IOException | SQLException | RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new IOException(ex.getMessage(), ex);
        }
        return new ReconcileReport(reports, repair);
    }

    private void orphans(Connection c, SourceTable rows, TableReport report, RepairWriter writer)
            throws IOException, SQLException {
        VectorIndex.Scan scan = index.scan(rows.name(), pageSize);
        for (List<StoredChunk> page = scan.next(); !page.isEmpty(); page = scan.next()) {
            report.vectors += page.size();
            Lsn lsn = SourceTable.currentLsn(c);
            Set<String> ids = new LinkedHashSet<>();
            page.forEach(s -> ids.add(s.id()));
            PageComparison.OrphanVerdict v =
                    PageComparison.orphans(page, rows.presentIds(ids), lsn);
            report.orphaned += v.orphaned().size();
            report.changedDuringCheck += v.changedDuringCheck();
            if (repair && !v.orphaned().isEmpty()) {
                Set<String> gone = new LinkedHashSet<>();
                v.orphaned().forEach(s -> gone.add(s.id()));
                writer.repair(rows.name(), List.of(), gone, lsn);
            }
            progress.page(report, "vectors");
        }
        progress.done(report, "vectors");
    }

    private void rows(
            Connection c,
            SourceTable rows,
            TableReport report,
            RepairWriter writer,
            boolean indexExists)
            throws IOException, SQLException {
        while (true) {
            Lsn lsn = SourceTable.currentLsn(c);
            List<RowExpectation> page = rows.nextPage();
            if (page.isEmpty()) {
                break;
            }
            report.rows += page.size();
            List<StoredChunk> stored = indexExists ? index.chunksOf(rows.name(), page) : List.of();
            List<RowExpectation> embed = new ArrayList<>();
            List<String> delete = new ArrayList<>();
            for (PageComparison.RowVerdict v : PageComparison.compare(page, stored, lsn)) {
                if (!v.row().embeddable()) {
                    report.unembeddable++;
                }
                switch (v.verdict()) {
                    case MISSING -> {
                        report.missing++;
                        embed.add(v.row());
                    }
                    case STALE -> {
                        report.stale++;
                        if (v.row().embeddable()) {
                            embed.add(v.row());
                        } else {
                            delete.add(v.row().id());
                        }
                    }
                    case CHANGED_DURING_CHECK -> report.changedDuringCheck++;
                    case IN_SYNC -> {}
                }
            }
            if (repair && (!embed.isEmpty() || !delete.isEmpty())) {
                report.refused += writer.repair(rows.name(), embed, delete, lsn).size();
                writer.deleteIfGone(c, rows, embed);
            }
            progress.page(report, "rows");
        }
        progress.done(report, "rows");
    }
}
