package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.pgoutput.PgOutputFixtures.Captured;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.testutils.TestingReplicationStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One slot's stream half against captured pgoutput (no server): what it hands over after a restore
 * or up to a stop, what it acknowledges and when it follows an idle server. The clock is a counter
 * the test moves, so idle pacing never depends on wall-clock time.
 *
 * <p>{@code basic-*} holds five one-change transactions (commit / end LSNs below); {@code
 * streaming-v2} a streamed transaction with an aborted savepoint, an aborted streamed transaction
 * and a plain one.
 */
class SlotStreamReaderTest {

    private static final Lsn C1 = Lsn.parse("0/963C338");
    private static final Lsn C2 = Lsn.parse("0/963C3F8");
    private static final Lsn C3 = Lsn.parse("0/963C4C0");
    private static final Lsn C4 = Lsn.parse("0/963C590");
    private static final Lsn C5 = Lsn.parse("0/963C600");
    private static final Lsn E1 = Lsn.parse("0/963C368");
    private static final Lsn E2 = Lsn.parse("0/963C428");
    private static final Lsn E3 = Lsn.parse("0/963C4F0");
    private static final Lsn E4 = Lsn.parse("0/963C5C0");
    private static final Lsn E5 = Lsn.parse("0/963C630");
    private static final Lsn AFTER_ALL = Lsn.parse("0/963C700");

    private static final Lsn STREAMED_COMMIT = Lsn.parse("0/A909D48");
    private static final Lsn PLAIN_COMMIT_AFTER_STREAMS = Lsn.parse("0/A92BBF0");

    @TempDir Path spill;

    private final SourceMetrics metrics = new SourceMetrics(new UnregisteredMetricsGroup());
    private long now = 10 * SlotStreamReader.IDLE_ACK_INTERVAL_NANOS;
    private final List<CommittedTransaction> handedOver = new ArrayList<>();
    private final List<SlotStreamReader> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        handedOver.forEach(CommittedTransaction::close);
        opened.forEach(SlotStreamReader::close);
    }

    private static PostgresSplit split(StartingPosition start, StoppingPosition stop) {
        return new PostgresSplit("rd_slot", "rd_pub", start, stop);
    }

    private SlotStreamReader open(PostgresSplit split, TestingReplicationStream stream)
            throws SQLException {
        SlotStreamReader reader =
                new SlotStreamReader(split, stream.factory(), spill, 1 << 20, metrics, () -> now);
        opened.add(reader);
        return reader;
    }

    /** Reads until the stream has nothing pending; returns the commit LSNs handed over. */
    private List<Lsn> drain(SlotStreamReader reader) throws Exception {
        List<Lsn> commits = new ArrayList<>();
        int read;
        do {
            List<CommittedTransaction> batch = new ArrayList<>();
            read = reader.read(1000, batch::add);
            batch.forEach(tx -> commits.add(tx.commitLsn()));
            handedOver.addAll(batch);
        } while (read > 0);
        return commits;
    }

    private void idleAfterInterval(SlotStreamReader reader) {
        now += SlotStreamReader.IDLE_ACK_INTERVAL_NANOS;
        reader.idle();
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic-v1", "basic-v1-binary", "basic-v2", "basic-v2-binary"})
    void handsOverEveryCommittedTransactionWholeInCommitOrder(String fixture) throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture(fixture);
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);

        assertThat(drain(reader)).containsExactly(C1, C2, C3, C4, C5);

        assertThat(stream.requestedStart()).isEqualTo(Lsn.INVALID);
        assertThat(handedOver)
                .extracting(CommittedTransaction::endLsn)
                .containsExactly(E1, E2, E3, E4, E5);
        List<Operation> operations = new ArrayList<>();
        for (CommittedTransaction tx : handedOver) {
            for (Iterator<ChangeEvent> it = tx.changes(); it.hasNext(); ) {
                ChangeEvent e = it.next();
                assertThat(e.commitLsn()).isEqualTo(tx.commitLsn());
                operations.add(e.operation());
            }
        }
        assertThat(operations)
                .containsExactly(
                        Operation.INSERT,
                        Operation.INSERT,
                        Operation.UPDATE,
                        Operation.UPDATE,
                        Operation.DELETE);
        assertThat(stream.acknowledged()).as("nothing acked before a checkpoint").isEmpty();
        assertThat(reader.isFinished()).isFalse();
    }

    // --- skip on restore ---------------------------------------------------------------------

    @Test
    void aRestoredSplitSkipsWhatItEmittedBeforeIncludingTheCommitAtItsPosition() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v2");
        SlotStreamReader reader =
                open(split(StartingPosition.afterCommit(C2), StoppingPosition.never()), stream);

        assertThat(drain(reader)).containsExactly(C3, C4, C5);
        assertThat(stream.requestedStart()).isEqualTo(C2);
        assertThat(stream.acknowledged()).as("the restored position needs no ack").isEmpty();
    }

    @Test
    void aRestoreAtTheLastCommitHandsOverNothing() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.afterCommit(C5), StoppingPosition.never()), stream);

        assertThat(drain(reader)).isEmpty();
    }

    @Test
    void aRestoreSkipsAStreamedTransactionOnceItsCommitShowsItWasEmitted() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("streaming-v2");
        SlotStreamReader restored =
                open(
                        split(
                                StartingPosition.afterCommit(STREAMED_COMMIT),
                                StoppingPosition.never()),
                        stream);

        assertThat(drain(restored)).containsExactly(PLAIN_COMMIT_AFTER_STREAMS);
    }

    // --- stop positions -----------------------------------------------------------------------

    @Test
    void aBoundedSplitFinishesAtTheFirstCommitPastItsStop() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.atLsn(C3)), stream);

        assertThat(drain(reader)).containsExactly(C1, C2, C3);
        assertThat(reader.isFinished()).isTrue();
    }

    @Test
    void aBoundedSplitDoesNotFinishWhileATransactionIsOpenPastItsStop() throws Exception {
        List<Captured> messages = TestingReplicationStream.fixture("basic-v1");
        TestingReplicationStream stream = new TestingReplicationStream(1);
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.atLsn(C2)), stream);

        stream.send(messages.subList(0, 9)); // tx 1 and 2, then tx 3's Begin and Update
        assertThat(drain(reader)).containsExactly(C1, C2);
        assertThat(stream.serverSentLsn()).isGreaterThanOrEqualTo(C2);
        assertThat(reader.isFinished()).as("tx 3 is open").isFalse();

        stream.send(messages.subList(9, 10)); // tx 3's Commit
        assertThat(drain(reader)).isEmpty();
        assertThat(reader.isFinished()).isTrue();
    }

    @Test
    void aBoundedSplitFinishesWhenTheServerHasSentPastItsStopAndNothingIsOpen() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.atLsn(AFTER_ALL)), stream);

        assertThat(drain(reader)).containsExactly(C1, C2, C3, C4, C5);
        assertThat(reader.isFinished()).as("the server has not reached the stop yet").isFalse();

        stream.keepalive(AFTER_ALL);
        drain(reader);
        assertThat(reader.isFinished()).isTrue();
    }

    @Test
    void anUnboundedSplitNeverFinishes() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);

        drain(reader);
        stream.keepalive(Lsn.parse("FF/0"));
        drain(reader);
        assertThat(reader.isFinished()).isFalse();
    }

    // --- acknowledgement ----------------------------------------------------------------------

    @Test
    void aCheckpointedCommitIsConfirmedByItsEndLsnOnceAndNeverBackwards() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);
        drain(reader);

        reader.acknowledgeCommit(C2);
        reader.acknowledgeCommit(C2);
        reader.acknowledgeCommit(C1);
        assertThat(stream.acknowledged()).containsExactly(E2);

        reader.acknowledgeCommit(C4);
        reader.acknowledgeCommit(C5);
        assertThat(stream.acknowledged()).containsExactly(E2, E4, E5);
    }

    @Test
    void aFailedAcknowledgementIsCoveredByTheNextOne() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);
        drain(reader);

        stream.failNextAcknowledgement(new SQLException("connection reset"));
        reader.acknowledgeCommit(C3);
        assertThat(stream.acknowledged()).isEmpty();

        reader.acknowledgeCommit(C4);
        assertThat(stream.acknowledged()).containsExactly(E4);
    }

    @Test
    void aRestoredSplitConfirmsOnlyWhatItHandedOverAfterItsPosition() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.afterCommit(C2), StoppingPosition.never()), stream);
        drain(reader);

        reader.acknowledgeCommit(C2); // the restored position itself: the slot knows it
        assertThat(stream.acknowledged()).isEmpty();
        reader.acknowledgeCommit(C3);
        assertThat(stream.acknowledged()).containsExactly(E3);
    }

    // --- idle follow --------------------------------------------------------------------------

    @Test
    void anIdleSlotFollowsTheServerOnlyOnceEverythingHandedOverIsAcknowledged() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);
        drain(reader);
        stream.keepalive(AFTER_ALL);

        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).as("handed over, not yet checkpointed").isEmpty();

        reader.acknowledgeCommit(C4);
        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).as("C5 still unacknowledged").containsExactly(E4);

        reader.acknowledgeCommit(C5);
        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).containsExactly(E4, E5, AFTER_ALL);
    }

    @Test
    void idleFollowIsPacedByTheInterval() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.afterCommit(C5), StoppingPosition.never()), stream);
        drain(reader);
        stream.keepalive(AFTER_ALL);
        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).containsExactly(AFTER_ALL);

        Lsn later = Lsn.parse("0/963C800");
        stream.keepalive(later);
        now += SlotStreamReader.IDLE_ACK_INTERVAL_NANOS - 1;
        reader.idle();
        assertThat(stream.acknowledged()).as("too soon").containsExactly(AFTER_ALL);

        now += 1;
        reader.idle();
        assertThat(stream.acknowledged()).containsExactly(AFTER_ALL, later);

        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).as("no news, no ack").containsExactly(AFTER_ALL, later);
    }

    @Test
    void anIdleSlotDoesNotFollowWhileAPlainTransactionIsOpen() throws Exception {
        List<Captured> messages = TestingReplicationStream.fixture("basic-v1");
        TestingReplicationStream stream = new TestingReplicationStream(1);
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);
        stream.send(messages.subList(0, 6)); // tx 1, then tx 2's Begin and Insert
        assertThat(drain(reader)).containsExactly(C1);
        reader.acknowledgeCommit(C1);
        stream.keepalive(AFTER_ALL);

        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).containsExactly(E1);

        stream.send(messages.subList(6, messages.size()));
        assertThat(drain(reader)).containsExactly(C2, C3, C4, C5);
    }

    @Test
    void anIdleSlotDoesNotFollowBetweenTheBlocksOfAStreamedTransaction() throws Exception {
        List<Captured> messages = TestingReplicationStream.fixture("streaming-v2");
        TestingReplicationStream stream = new TestingReplicationStream(2);
        SlotStreamReader reader =
                open(
                        split(
                                StartingPosition.afterCommit(Lsn.parse("0/1")),
                                StoppingPosition.never()),
                        stream);
        stream.send(messages.subList(0, 432)); // the first stream block, up to its Stream Stop
        assertThat(drain(reader)).isEmpty();
        stream.keepalive(Lsn.parse("1/0"));

        idleAfterInterval(reader);
        assertThat(stream.acknowledged()).isEmpty();

        stream.send(messages.subList(432, messages.size()));
        assertThat(drain(reader)).containsExactly(STREAMED_COMMIT, PLAIN_COMMIT_AFTER_STREAMS);
    }

    @Test
    void closingReleasesTheStream() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v1");
        SlotStreamReader reader =
                open(split(StartingPosition.fromSlot(), StoppingPosition.never()), stream);
        reader.close();
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void aReadHandsOverOnceItsFirstReadyTransactionHasWaitedAMillisecond() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v2");
        // Each look at the clock finds another hand-over interval gone, as on a stream whose
        // next message always arrives just within pgjdbc's wait.
        SlotStreamReader reader =
                new SlotStreamReader(
                        split(StartingPosition.fromSlot(), StoppingPosition.never()),
                        stream.factory(),
                        spill,
                        1 << 20,
                        metrics,
                        () -> now += SlotStreamReader.HAND_OVER_NANOS);
        opened.add(reader);

        List<CommittedTransaction> first = new ArrayList<>();
        reader.read(1000, first::add);
        handedOver.addAll(first);

        assertThat(first).hasSize(1);
        assertThat(stream.pendingMessages()).isPositive();
        assertThat(drain(reader)).hasSize(4);
    }
}
