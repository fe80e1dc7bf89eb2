package io.pgstream.connector.source.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.SnapshotChunk;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresSplitSerializerTest {

    /** Splits covering every start and stop kind; their v1 bytes are stored in resources. */
    static final List<PostgresSplit> SAMPLES =
            List.of(
                    new PostgresSplit(
                            "slot_a",
                            "pub_a",
                            StartingPosition.fromSlot(),
                            StoppingPosition.never()),
                    new PostgresSplit(
                            "slot_b",
                            "pub \"b\"",
                            StartingPosition.afterCommit(Lsn.parse("16/B374D848")),
                            StoppingPosition.atLsn(Lsn.parse("17/0"))),
                    new PostgresSplit(
                            "slot_c",
                            "pub_c",
                            StartingPosition.afterCommit(Lsn.parse("FFFFFFFF/FFFFFFFF")),
                            StoppingPosition.currentWalEnd()));

    /** A bounded stream split and both chunk shapes; their v3 bytes are stored in resources. */
    static final List<PostgresSplit> V3_SAMPLES =
            List.of(
                    SAMPLES.get(1),
                    PostgresSplit.snapshot(
                            "slot_a",
                            "pub_a",
                            new SnapshotChunk(
                                    new TableId("public", "Mixed Keys"),
                                    3,
                                    List.of("region", "id"),
                                    List.of("a", "0cc175b9-c0f1-b6a8-31c3-99e269772661"),
                                    null,
                                    0,
                                    0),
                            List.of("text", "uuid")),
                    PostgresSplit.snapshot(
                            "slot_a",
                            "pub_a",
                            new SnapshotChunk(
                                    new TableId("public", "Mixed Keys"),
                                    0,
                                    List.of(),
                                    null,
                                    null,
                                    40,
                                    -1),
                            List.of(),
                            123_456L));

    private final PostgresSplitSerializer serializer = PostgresSplitSerializer.INSTANCE;

    @Test
    void roundTripsEveryPositionKind() throws IOException {
        for (PostgresSplit split : SAMPLES) {
            byte[] bytes = serializer.serialize(split);
            assertThat(serializer.deserialize(serializer.getVersion(), bytes)).isEqualTo(split);
        }
    }

    @Test
    void roundTripsSnapshotChunks() throws IOException {
        TableId table = new TableId("public", "Mixed Keys");
        for (PostgresSplit split :
                List.of(
                        PostgresSplit.snapshot(
                                "slot_a",
                                "pub_a",
                                new SnapshotChunk(
                                        table,
                                        3,
                                        List.of("region", "id"),
                                        List.of("a", "0cc175b9-c0f1-b6a8-31c3-99e269772661"),
                                        null,
                                        0,
                                        0),
                                List.of("text", "uuid")),
                        PostgresSplit.snapshot(
                                "slot_a",
                                "pub_a",
                                new SnapshotChunk(table, 0, List.of(), null, null, 40, -1),
                                List.of(),
                                123_456L))) {
            PostgresSplit back =
                    serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
            assertThat(back).isEqualTo(split);
            assertThat(back.tableRowsEstimate()).isEqualTo(split.tableRowsEstimate());
            assertThat(back.splitId()).startsWith("snapshot/").isEqualTo(split.splitId());
        }
    }

    @Test
    void readsBytesWrittenByVersion1() throws IOException {
        List<String> stored = readStored("serializer/postgres-split-v1.hex");
        assertThat(stored).hasSize(SAMPLES.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            byte[] bytes = HexFormat.of().parseHex(stored.get(i));
            assertThat(serializer.deserialize(PostgresSplitSerializer.VERSION_1, bytes))
                    .isEqualTo(SAMPLES.get(i));
        }
    }

    @Test
    void readsBytesWrittenByVersion3WithTheirKinds() throws IOException {
        List<String> stored = readStored("serializer/postgres-split-v3.hex");
        assertThat(stored).hasSize(V3_SAMPLES.size());
        for (int i = 0; i < V3_SAMPLES.size(); i++) {
            byte[] bytes = HexFormat.of().parseHex(stored.get(i));
            PostgresSplit back = serializer.deserialize(PostgresSplitSerializer.VERSION_3, bytes);
            assertThat(back).isEqualTo(V3_SAMPLES.get(i));
            assertThat(back.kind()).isEqualTo(V3_SAMPLES.get(i).kind());
            // The kind is a type on the split, not a new field: the bytes are unchanged.
            assertThat(serializer.serialize(back)).isEqualTo(bytes);
        }
        assertThat(V3_SAMPLES)
                .extracting(PostgresSplit::kind)
                .containsExactly(
                        SplitKind.STREAM, SplitKind.SNAPSHOT_CHUNK, SplitKind.SNAPSHOT_CHUNK);
    }

    @Test
    void aSplitIdNamesItsKind() {
        for (PostgresSplit split : V3_SAMPLES) {
            assertThat(PostgresSplit.kindOfId(split.splitId())).isEqualTo(split.kind());
            assertThat(new PostgresSplitState(split).kind()).isEqualTo(split.kind());
        }
    }

    @Test
    void unknownKindByteFailsNamingIt() throws IOException {
        byte[] bytes = serializer.serialize(SAMPLES.get(0));
        bytes[bytes.length - 1] = 7;
        assertThatThrownBy(() -> serializer.deserialize(serializer.getVersion(), bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("split kind 7");
    }

    @Test
    void unknownVersionFailsNamingIt() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 99");
    }

    @Test
    void stateAdvancesOnlyToEmittedCommits() {
        PostgresSplitState state = new PostgresSplitState(SAMPLES.get(0));
        assertThat(state.toSplit()).isEqualTo(SAMPLES.get(0));

        state.transactionEmitted(Lsn.parse("1/10"));

        assertThat(state.toSplit().start())
                .isEqualTo(StartingPosition.afterCommit(Lsn.parse("1/10")));
        assertThat(state.toSplit().stop()).isEqualTo(SAMPLES.get(0).stop());
    }

    static List<String> readStored(String resource) throws IOException {
        try (InputStream in =
                PostgresSplitSerializerTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        }
    }
}
