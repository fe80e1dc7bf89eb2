package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's two position rules: after a restore, transactions committed at or below the
 * restored LSN are dropped (the server resends what it never heard confirmed, including the
 * transaction committed exactly there); a bounded split ends at the first commit past its stop.
 */
class TransactionCollectorTest {

    @TempDir Path spill;

    private static ChangeEvent change(int id) {
        return ChangeEvent.builder(Operation.INSERT)
                .table("public", "t")
                .row(Map.of("id", id))
                .commitLsn(Lsn.INVALID)
                .lsn(new Lsn(id))
                .build();
    }

    private static void transaction(TransactionCollector c, long xid, long commit) {
        c.begin(xid, new Lsn(commit), Instant.EPOCH);
        c.change(xid, xid, change((int) xid), 40);
        c.commit(xid, new Lsn(commit), new Lsn(commit + 8), Instant.EPOCH);
    }

    private static List<Long> drain(TransactionCollector c) {
        List<Long> commits = new ArrayList<>();
        CommittedTransaction tx;
        while ((tx = c.poll()) != null) {
            commits.add(tx.commitLsn().value());
            assertThat(tx.endLsn().value()).isEqualTo(tx.commitLsn().value() + 8);
            tx.close();
        }
        return commits;
    }

    @Test
    void transactionsAtOrBelowTheRestoredPositionAreDropped() {
        TransactionCollector c = new TransactionCollector(spill, 1 << 20, new Lsn(200), null);
        transaction(c, 1, 100);
        transaction(c, 2, 200); // exactly at the restored position: the server resends it
        transaction(c, 3, 300);
        assertThat(drain(c)).containsExactly(300L);
        assertThat(c.skippedTransactions()).isEqualTo(2);
    }

    @Test
    void withoutARestoredPositionEverythingPasses() {
        TransactionCollector c = new TransactionCollector(spill, 1 << 20, null, null);
        transaction(c, 1, 100);
        transaction(c, 2, 200);
        assertThat(drain(c)).containsExactly(100L, 200L);
    }

    @Test
    void aBoundedSplitStopsAtTheFirstCommitPastItsEnd() {
        TransactionCollector c = new TransactionCollector(spill, 1 << 20, null, new Lsn(250));
        transaction(c, 1, 100);
        transaction(c, 2, 200);
        transaction(c, 3, 300);
        assertThat(drain(c)).containsExactly(100L, 200L);
        assertThat(c.reachedStop()).isTrue();
    }

    @Test
    void aPlainTransactionIsOpenFromBeginToCommitEvenWhenSkipped() {
        TransactionCollector c = new TransactionCollector(spill, 1 << 20, new Lsn(200), null);
        c.begin(1, new Lsn(100), Instant.EPOCH); // skipped: at or below the restored position
        assertThat(c.hasOpenTransaction()).isTrue();
        c.commit(1, new Lsn(100), new Lsn(108), Instant.EPOCH);
        assertThat(c.hasOpenTransaction()).isFalse();

        c.begin(2, new Lsn(300), Instant.EPOCH);
        assertThat(c.hasOpenTransaction()).isTrue();
        assertThat(c.isEmpty()).isFalse();
        c.commit(2, new Lsn(300), new Lsn(308), Instant.EPOCH);
        assertThat(c.hasOpenTransaction()).isFalse();
        assertThat(c.isEmpty()).as("committed, not yet polled").isFalse();
        drain(c);
        assertThat(c.isEmpty()).isTrue();
    }

    @Test
    void aStreamedTransactionIsOpenAcrossStreamBlocksUntilItsCommitOrAbort() {
        TransactionCollector c = new TransactionCollector(spill, 1 << 20, null, null);
        c.streamStart(7, true);
        c.change(7, 7, change(7), 40);
        assertThat(c.hasOpenTransaction()).as("inside the stream block").isTrue();
        c.streamStop();
        assertThat(c.hasOpenTransaction()).as("between stream blocks").isTrue();
        c.commit(7, new Lsn(700), new Lsn(708), Instant.EPOCH);
        assertThat(c.hasOpenTransaction()).isFalse();
        assertThat(drain(c)).containsExactly(700L);

        c.streamStart(8, true);
        c.streamStop();
        c.streamAbort(8, 8);
        assertThat(c.hasOpenTransaction()).isFalse();
        assertThat(c.isEmpty()).isTrue();
    }
}
