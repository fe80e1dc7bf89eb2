package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationSpecTest {

    private static final List<TableId> DOCS = List.of(TableId.parse("docs"));

    @Test
    void publishesViaPartitionRootByDefault() {
        assertThat(new ReplicationSpec("pgstream", "pgstream_pub", DOCS).publishViaPartitionRoot())
                .isTrue();
    }

    @Test
    void slotNamesAreLowerCaseDigitsAndUnderscores() {
        new ReplicationSpec("slot_01", "p", DOCS);
        for (String bad : new String[] {"Slot", "my-slot", "s;drop", "sl ot", ""}) {
            assertThatThrownBy(() -> new ReplicationSpec(bad, "p", DOCS))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.isEmpty() ? "Empty" : "'" + bad + "'");
        }
    }

    @Test
    void slotNamesAreAtMost63Characters() {
        new ReplicationSpec("a".repeat(63), "p", DOCS);
        assertThatThrownBy(() -> new ReplicationSpec("a".repeat(64), "p", DOCS))
                .hasMessageContaining("64 characters long; the limit is 63");
    }

    @Test
    void publicationNamesMayBeAnythingUpTo63Bytes() {
        new ReplicationSpec("s", "Pub \"odd\"; name", DOCS);
        assertThatThrownBy(() -> new ReplicationSpec("s", "é".repeat(32), DOCS))
                .hasMessageContaining("64 bytes long");
    }

    @Test
    void duplicateTablesCollapseInOrder() {
        ReplicationSpec spec =
                new ReplicationSpec(
                        "s",
                        "p",
                        List.of(TableId.parse("b"), TableId.parse("a"), TableId.parse("public.b")));
        assertThat(spec.tables()).containsExactly(TableId.parse("b"), TableId.parse("a"));
    }
}
