package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.Lsn;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The per-page verdicts of {@code pgstream reconcile}, pure (no I/O), so the rules live in one
 * place and are unit-tested:
 *
 * <ul>
 *   <li>a row with no vector is <b>missing</b> (unless it is not embeddable: then it is in sync);
 *   <li>a row whose vectors are not exactly chunks 0..n-1 of its current text, each with that
 *       chunk's content and the text's content hash, is <b>stale</b>; a non-embeddable row with
 *       vectors is stale too (they show an older text);
 *   <li>a vector whose row is not in the table is <b>orphaned</b>.
 * </ul>
 *
 * A vector whose stored version is above the check's LSN was written by the running sync for a
 * change committed after the page was read: it is newer than what this check saw, so it is left to
 * the stream and counted as changed during the check, never as drift.
 */
public final class PageComparison {

    private PageComparison() {}

    /** What one row needs. */
    public enum Verdict {
        IN_SYNC,
        MISSING,
        STALE,
        /** A vector of the row is newer than the check: the stream owns it. */
        CHANGED_DURING_CHECK
    }

    /** A row and its verdict. */
    public record RowVerdict(RowExpectation row, Verdict verdict) {}

    /** The orphan pass's verdict on one page of the index. */
    public record OrphanVerdict(List<StoredChunk> orphaned, int changedDuringCheck) {}

    /**
     * Verdicts for a page of rows, in the page's order.
     *
     * @param stored every stored chunk of the page's ids (others are ignored)
     * @param checkLsn the WAL position read before the page was read
     */
    public static List<RowVerdict> compare(
            List<RowExpectation> rows, Collection<StoredChunk> stored, Lsn checkLsn) {
        Map<String, List<StoredChunk>> byId = new HashMap<>();
        for (StoredChunk c : stored) {
            byId.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(c);
        }
        List<RowVerdict> verdicts = new ArrayList<>(rows.size());
        for (RowExpectation row : rows) {
            verdicts.add(
                    new RowVerdict(
                            row, verdict(row, byId.getOrDefault(row.id(), List.of()), checkLsn)));
        }
        return verdicts;
    }

    private static Verdict verdict(RowExpectation row, List<StoredChunk> chunks, Lsn checkLsn) {
        for (StoredChunk c : chunks) {
            if (c.lsn().isAfter(checkLsn)) {
                return Verdict.CHANGED_DURING_CHECK;
            }
        }
        if (chunks.isEmpty()) {
            return row.embeddable() ? Verdict.MISSING : Verdict.IN_SYNC;
        }
        if (!row.embeddable() || chunks.size() != row.chunks().size()) {
            return Verdict.STALE;
        }
        boolean[] seen = new boolean[row.chunks().size()];
        for (StoredChunk c : chunks) {
            if (c.chunk() < 0 || c.chunk() >= seen.length || seen[c.chunk()]) {
                return Verdict.STALE;
            }
            seen[c.chunk()] = true;
            if (!row.contentHash().equals(c.contentHash())
                    || !Objects.equals(row.chunks().get(c.chunk()), c.content())) {
                return Verdict.STALE;
            }
        }
        return Verdict.IN_SYNC;
    }

    /**
     * The vectors of an index page whose rows are not in the table.
     *
     * @param presentIds ids of the page's rows that the table holds
     * @param checkLsn the WAL position read before the table was asked
     */
    public static OrphanVerdict orphans(
            List<StoredChunk> page, Set<String> presentIds, Lsn checkLsn) {
        List<StoredChunk> orphaned = new ArrayList<>();
        int newer = 0;
        for (StoredChunk c : page) {
            if (presentIds.contains(c.id())) {
                continue;
            }
            if (c.lsn().isAfter(checkLsn)) {
                newer++;
            } else {
                orphaned.add(c);
            }
        }
        return new OrphanVerdict(orphaned, newer);
    }
}
