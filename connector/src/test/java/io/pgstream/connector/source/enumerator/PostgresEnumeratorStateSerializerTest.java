package io.pgstream.connector.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.source.split.PostgresSplit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresEnumeratorStateSerializerTest {

    static final PostgresEnumeratorState SAMPLE =
            new PostgresEnumeratorState(
                    true,
                    List.of(
                            new PostgresSplit(
                                    "slot_x",
                                    "pub_x",
                                    io.pgstream.connector.source.StartingPosition.fromSlot(),
                                    io.pgstream.connector.source.StoppingPosition.never())),
                    Set.of("slot_y"));

    private final PostgresEnumeratorStateSerializer serializer =
            new PostgresEnumeratorStateSerializer();

    @Test
    void roundTrips() throws IOException {
        PostgresEnumeratorState withChunks =
                new PostgresEnumeratorState(
                        true,
                        SAMPLE.pending(),
                        Set.of("slot_y", "snapshot/public.t#0"),
                        Set.of("snapshot/public.t#0"),
                        Set.of("public.t", "public.u"));
        PostgresEnumeratorState noTables =
                new PostgresEnumeratorState(
                        true, SAMPLE.pending(), Set.of("slot_y"), Set.of(), Set.of());
        for (PostgresEnumeratorState state :
                List.of(SAMPLE, PostgresEnumeratorState.initial(), withChunks, noTables)) {
            assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state)))
                    .isEqualTo(state);
        }
    }

    @Test
    void readsBytesWrittenByVersion1() throws IOException {
        try (InputStream in =
                getClass()
                        .getClassLoader()
                        .getResourceAsStream("serializer/enumerator-state-v1.hex")) {
            String hex =
                    new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                            .lines()
                            .filter(l -> !l.isBlank() && !l.startsWith("#"))
                            .findFirst()
                            .orElseThrow();
            assertThat(
                            serializer.deserialize(
                                    PostgresEnumeratorStateSerializer.VERSION_1,
                                    HexFormat.of().parseHex(hex)))
                    .isEqualTo(SAMPLE);
        }
    }

    @Test
    void unknownVersionFails() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .hasMessageContaining("version 99");
    }
}
