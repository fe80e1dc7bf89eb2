package io.pgstream.jobs.reconcile;

import static io.pgstream.jobs.reconcile.PageComparison.Verdict.CHANGED_DURING_CHECK;
import static io.pgstream.jobs.reconcile.PageComparison.Verdict.IN_SYNC;
import static io.pgstream.jobs.reconcile.PageComparison.Verdict.MISSING;
import static io.pgstream.jobs.reconcile.PageComparison.Verdict.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.embedding.ContentHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-page rules of {@code pgstream reconcile}, without any I/O. */
class PageComparisonTest {

    private static final long CHECK = 1_000;

    private static RowExpectation row(String id, String... chunks) {
        String text = String.join("", chunks);
        return new RowExpectation(id, text, ContentHash.of("m", text), List.of(chunks), "{}", true);
    }

    private static RowExpectation tooLong(String id, String text) {
        return new RowExpectation(id, text, ContentHash.of("m", text), List.of(text), "{}", false);
    }

    /** The chunks the sync job would have written for {@code row}, at version {@code lsn}. */
    private static List<StoredChunk> written(RowExpectation row, long lsn) {
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < row.chunks().size(); i++) {
            chunks.add(
                    new StoredChunk(
                            row.id(), i, row.chunks().get(i), row.contentHash(), new Lsn(lsn)));
        }
        return chunks;
    }

    private static PageComparison.Verdict verdict(RowExpectation row, List<StoredChunk> stored) {
        List<PageComparison.RowVerdict> v =
                PageComparison.compare(List.of(row), stored, new Lsn(CHECK));
        assertThat(v).hasSize(1);
        return v.get(0).verdict();
    }

    @Test
    void aRowWhoseChunksMatchIsInSync() {
        RowExpectation r = row("1", "first half ", "second half");
        assertThat(verdict(r, written(r, 10))).isEqualTo(IN_SYNC);
    }

    @Test
    void aRowWithoutVectorsIsMissing() {
        assertThat(verdict(row("1", "text"), List.of())).isEqualTo(MISSING);
    }

    @Test
    void anotherRowsVectorsDoNotCount() {
        RowExpectation other = row("2", "text");
        assertThat(verdict(row("1", "text"), written(other, 10))).isEqualTo(MISSING);
    }

    @Test
    void aDifferentContentHashIsStale() {
        RowExpectation now = row("1", "new text");
        RowExpectation before = row("1", "old text");
        assertThat(verdict(now, written(before, 10))).isEqualTo(STALE);
    }

    @Test
    void aHandEditedContentWithTheRightHashIsStale() {
        RowExpectation r = row("1", "text");
        List<StoredChunk> edited =
                List.of(new StoredChunk("1", 0, "edited by hand", r.contentHash(), new Lsn(10)));
        assertThat(verdict(r, edited)).isEqualTo(STALE);
    }

    @Test
    void aChunkSetThatDiffersIsStale() {
        RowExpectation r = row("1", "a ", "b ", "c");
        List<StoredChunk> all = written(r, 10);
        assertThat(verdict(r, all.subList(0, 2))).as("a chunk lost").isEqualTo(STALE);
        List<StoredChunk> extra = new ArrayList<>(all);
        extra.add(new StoredChunk("1", 3, "d", r.contentHash(), new Lsn(10)));
        assertThat(verdict(r, extra)).as("a chunk that did not shrink away").isEqualTo(STALE);
        List<StoredChunk> twice = new ArrayList<>(all.subList(0, 2));
        twice.add(all.get(0));
        assertThat(verdict(r, twice)).as("chunk 0 twice, chunk 2 absent").isEqualTo(STALE);
    }

    @Test
    void aRowTheJobDoesNotEmbedMustHaveNoVectors() {
        RowExpectation r = tooLong("1", "a very long text");
        assertThat(verdict(r, List.of())).isEqualTo(IN_SYNC);
        assertThat(verdict(r, written(row("1", "older short text"), 10))).isEqualTo(STALE);
    }

    @Test
    void aVectorNewerThanTheCheckIsLeftToTheStream() {
        RowExpectation r = row("1", "text read by the check");
        assertThat(verdict(r, written(row("1", "written by sync later"), CHECK + 1)))
                .isEqualTo(CHANGED_DURING_CHECK);
        assertThat(verdict(r, written(row("1", "older"), CHECK))).isEqualTo(STALE);
    }

    @Test
    void verdictsKeepThePagesOrder() {
        RowExpectation a = row("a", "x");
        RowExpectation b = row("b", "y");
        RowExpectation c = row("c", "z");
        List<StoredChunk> stored = new ArrayList<>(written(c, 5));
        stored.addAll(written(a, 5));
        assertThat(PageComparison.compare(List.of(a, b, c), stored, new Lsn(CHECK)))
                .extracting(PageComparison.RowVerdict::verdict)
                .containsExactly(IN_SYNC, MISSING, IN_SYNC);
    }

    @Test
    void vectorsOfAbsentRowsAreOrphanedUnlessNewerThanTheCheck() {
        List<StoredChunk> page =
                List.of(
                        new StoredChunk("1", 0, null, null, new Lsn(5)),
                        new StoredChunk("2", 0, null, null, new Lsn(5)),
                        new StoredChunk("2", 1, null, null, new Lsn(5)),
                        new StoredChunk("3", 0, null, null, new Lsn(CHECK + 7)));
        PageComparison.OrphanVerdict v = PageComparison.orphans(page, Set.of("1"), new Lsn(CHECK));
        assertThat(v.orphaned()).extracting(StoredChunk::id).containsExactly("2", "2");
        assertThat(v.changedDuringCheck()).isEqualTo(1);
    }
}
