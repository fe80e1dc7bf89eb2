package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.SnapshotChunk;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.source.split.PostgresSplitState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emitter emits a record whole and then advances the split state by the record's own kind of
 * position: a transaction's commit LSN, a snapshot chunk's read position.
 */
class PostgresRecordEmitterTest {

    @TempDir Path spill;

    private final List<ChangeEvent> emitted = new ArrayList<>();
    private final List<String> notified = new ArrayList<>();
    private final PostgresRecordEmitter<ChangeEvent> emitter =
            new PostgresRecordEmitter<>(
                    ChangeEventDeserializationSchema.changeEvents(),
                    new SourceMetrics(new UnregisteredMetricsGroup()));

    PostgresRecordEmitterTest() {
        emitter.onRecordEmitted((split, lsn) -> notified.add(split + "@" + lsn));
    }

    private SpillingTransactionBuffer buffer(Operation op, Lsn commitLsn, int... ids) {
        SpillingTransactionBuffer buffer = new SpillingTransactionBuffer(spill, 1 << 20);
        for (int id : ids) {
            buffer.append(
                    0,
                    ChangeEvent.builder(op)
                            .table("public", "rd_t")
                            .row(Map.of("id", id))
                            .commitLsn(commitLsn)
                            .lsn(new Lsn(id))
                            .build(),
                    40);
        }
        return buffer;
    }

    @Test
    void aTransactionAdvancesTheStateToItsCommitAndStampsItsChanges() throws Exception {
        PostgresSplitState state =
                new PostgresSplitState(
                        new PostgresSplit(
                                "rd_slot",
                                "rd_pub",
                                StartingPosition.fromSlot(),
                                StoppingPosition.never()));
        Lsn commit = Lsn.parse("0/200");
        Instant time = Instant.parse("2026-01-02T03:04:05Z");
        CommittedTransaction tx =
                new CommittedTransaction(
                        7,
                        commit,
                        Lsn.parse("0/230"),
                        time,
                        buffer(Operation.INSERT, Lsn.INVALID, 1, 2));

        emitter.emitRecord(tx, new ListOutput(emitted), state);

        assertThat(emitted).extracting(ChangeEvent::commitLsn).containsExactly(commit, commit);
        assertThat(state.lastCommitLsn()).isEqualTo(commit);
        assertThat(notified).containsExactly("rd_slot@" + commit);
    }

    @Test
    void aSnapshotChunkAdvancesItsStateToTheChunksReadPosition() throws Exception {
        PostgresSplit chunk =
                PostgresSplit.snapshot(
                        "rd_slot",
                        "rd_pub",
                        new SnapshotChunk(
                                new TableId("public", "rd_t"), 0, List.of(), null, null, 0, -1),
                        List.of());
        PostgresSplitState state = new PostgresSplitState(chunk);
        Lsn asOf = Lsn.parse("0/900");
        SnapshotChunkRows rows = new SnapshotChunkRows(asOf, buffer(Operation.READ, asOf, 1, 2, 3));

        emitter.emitRecord(rows, new ListOutput(emitted), state);

        assertThat(emitted).hasSize(3).allMatch(e -> e.operation() == Operation.READ);
        assertThat(state.lastCommitLsn()).isEqualTo(asOf);
        assertThat(notified).containsExactly(chunk.splitId() + "@" + asOf);
    }

    /** Collects into a list; watermarks are not used by this source. */
    private static final class ListOutput implements SourceOutput<ChangeEvent> {
        private final List<ChangeEvent> into;

        ListOutput(List<ChangeEvent> into) {
            this.into = into;
        }

        @Override
        public void collect(ChangeEvent record) {
            into.add(record);
        }

        @Override
        public void collect(ChangeEvent record, long timestamp) {
            into.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
