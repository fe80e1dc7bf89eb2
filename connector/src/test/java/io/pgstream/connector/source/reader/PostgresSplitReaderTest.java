package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.testutils.TestingReplicationStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher over a stream split, without a server: records come back under the split's id, a
 * bounded split is reported finished, and acknowledgements reach the slot they name.
 */
class PostgresSplitReaderTest {

    private static final Lsn C2 = Lsn.parse("0/963C3F8");
    private static final Lsn C3 = Lsn.parse("0/963C4C0");
    private static final Lsn E2 = Lsn.parse("0/963C428");

    @TempDir Path spill;

    private PostgresSplitReader reader;

    @AfterEach
    void close() throws Exception {
        reader.close();
    }

    private PostgresSplitReader readerOf(TestingReplicationStream stream, PostgresSplit split) {
        return readerOf(stream, split, new IdleWait());
    }

    private PostgresSplitReader readerOf(
            TestingReplicationStream stream, PostgresSplit split, IdleWait idleWait) {
        reader =
                new PostgresSplitReader(
                        null,
                        stream.factory(),
                        spill,
                        1 << 20,
                        1000,
                        new SourceMetrics(new UnregisteredMetricsGroup()),
                        Heartbeat.disabled(),
                        idleWait);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        return reader;
    }

    /** The commit LSNs fetched for {@code splitId}; closes the records. */
    private static List<Lsn> commits(RecordsWithSplitIds<FetchedRecord> records, String splitId) {
        List<Lsn> commits = new ArrayList<>();
        String id;
        while ((id = records.nextSplit()) != null) {
            assertThat(id).isEqualTo(splitId);
            FetchedRecord r;
            while ((r = records.nextRecordFromSplit()) != null) {
                assertThat(r).isInstanceOf(CommittedTransaction.class);
                commits.add(((CommittedTransaction) r).commitLsn());
                r.close();
            }
        }
        return commits;
    }

    @Test
    void aBoundedStreamSplitIsFetchedUnderItsIdAndReportedFinished() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v2");
        PostgresSplit split =
                new PostgresSplit(
                        "rd_slot",
                        "rd_pub",
                        StartingPosition.fromSlot(),
                        StoppingPosition.atLsn(C3));
        readerOf(stream, split);

        RecordsWithSplitIds<FetchedRecord> records = reader.fetch();

        assertThat(commits(records, "rd_slot")).hasSize(3).endsWith(C3);
        assertThat(records.finishedSplits()).containsExactly("rd_slot");
        assertThat(stream.isClosed()).isTrue();
    }

    @Test
    void acknowledgementsReachTheSlotTheyName() throws Exception {
        TestingReplicationStream stream = TestingReplicationStream.ofFixture("basic-v2");
        PostgresSplit split =
                new PostgresSplit(
                        "rd_slot", "rd_pub", StartingPosition.fromSlot(), StoppingPosition.never());
        readerOf(stream, split);
        assertThat(commits(reader.fetch(), "rd_slot")).hasSize(5);

        reader.acknowledge(Map.of("rd_other", C3, "rd_slot", C2));

        assertThat(stream.acknowledged()).containsExactly(E2);
    }

    @Test
    void anIdleFetchParksBetweenPollsOnceTheStreamIsQuiet() throws Exception {
        TestingReplicationStream stream = new TestingReplicationStream(2);
        long[] now = {0};
        List<Long> parks = new ArrayList<>();
        // Each park moves the fake clock on by its length, as a real park would.
        IdleWait idleWait =
                new IdleWait(
                        () -> now[0],
                        nanos -> {
                            parks.add(nanos);
                            now[0] += nanos;
                        });
        readerOf(
                stream,
                new PostgresSplit(
                        "rd_slot", "rd_pub", StartingPosition.fromSlot(), StoppingPosition.never()),
                idleWait);
        now[0] += IdleWait.QUIET.toNanos();

        RecordsWithSplitIds<FetchedRecord> records = reader.fetch();

        assertThat(records.nextSplit()).isNull();
        long expected = IdleWait.FETCH.toNanos() / IdleWait.PARK.toNanos() + 1;
        assertThat(parks).hasSize((int) expected).allMatch(p -> p == IdleWait.PARK.toNanos());
    }
}
