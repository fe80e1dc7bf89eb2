package io.pgstream.connector.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.NumericSpecial;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.event.PgJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Assembles captured fixtures into change events and checks them against the scenario SQL. */
class ChangeEventAssemblerTest {

    @Test
    void basicScenarioAsTypedEvents() {
        RecordingListener l = RecordingListener.replay("basic-v1");
        assertThat(l.committed).hasSize(5);
        List<ChangeEvent> e = l.allChanges();
        assertThat(e)
                .extracting(ChangeEvent::operation)
                .containsExactly(
                        Operation.INSERT,
                        Operation.INSERT,
                        Operation.UPDATE,
                        Operation.UPDATE,
                        Operation.DELETE);

        ChangeEvent apple = e.get(0);
        assertThat(apple.schema()).isEqualTo("public");
        assertThat(apple.table()).isEqualTo("items");
        assertThat(apple.row())
                .containsEntry("id", 1)
                .containsEntry("name", "apple")
                .containsEntry("price", new BigDecimal("1.50"))
                .containsEntry("tags", Arrays.asList("red", "green apple", null))
                .containsEntry("seen", Instant.parse("2024-01-02T03:04:05.123456Z"));
        assertThat(apple.row().keySet()).containsExactly("id", "name", "price", "tags", "seen");
        assertThat(apple.oldRow()).isNull();
        assertThat(apple.commitLsn()).isEqualTo(l.committed.get(0).commitLsn());
        assertThat(apple.lsn()).isLessThan(apple.commitLsn());
        assertThat(apple.xid()).isEqualTo(l.committed.get(0).xid());
        assertThat(apple.commitTime()).isEqualTo(l.committed.get(0).commitTime());

        Map<String, Object> second = new HashMap<>();
        second.put("id", 2);
        second.put("name", null);
        second.put("price", NumericSpecial.NAN);
        second.put("tags", List.of());
        second.put("seen", null);
        assertThat(e.get(1).row()).isEqualTo(second);

        // Key unchanged: no old values. Key changed: the old key only.
        assertThat(e.get(2).oldRow()).isNull();
        assertThat(e.get(2).row()).containsEntry("name", "apricot");
        assertThat(e.get(3).oldRow()).isEqualTo(Map.of("id", 2));
        assertThat(e.get(3).row()).containsEntry("id", 3);
        assertThat(e.get(4).oldRow()).isEqualTo(Map.of("id", 1));
        assertThat(e.get(4).row()).isNull();
    }

    /** The same slot peeked with {@code binary 'true'} gives exactly the same events as text. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "alter-v1",
                "basic-v1",
                "message-v1",
                "origin-v1",
                "replica-full-v1",
                "streaming-v1",
                "toast-v1",
                "truncate-v1",
                "types-v1",
                "alter-v2",
                "basic-v2",
                "replica-full-v2",
                "streaming-v2",
                "toast-v2",
                "truncate-v2",
                "types-v2"
            })
    void binaryFormatDecodesToTheSameEventsAsText(String fixture) {
        List<ChangeEvent> text = RecordingListener.replay(fixture).allChanges();
        List<ChangeEvent> binary = RecordingListener.replay(fixture + "-binary").allChanges();
        assertThat(text).isNotEmpty();
        assertThat(binary).isEqualTo(text);
    }

    /** A streamed transaction (protocol 2) assembles to the same result as the spilled one (1). */
    @Test
    void streamedTransactionsEqualNonStreamedOnes() {
        RecordingListener v1 = RecordingListener.replay("streaming-v1");
        RecordingListener v2 = RecordingListener.replay("streaming-v2");
        assertThat(v2.calls).contains("streamStart", "streamAbort");
        assertThat(v2.committed).hasSize(2);
        assertThat(v2.committed)
                .extracting(RecordingListener.Tx::commitLsn)
                .isEqualTo(v1.committed.stream().map(RecordingListener.Tx::commitLsn).toList());
        List<ChangeEvent> streamed = v2.allChanges();
        assertThat(streamed).hasSize(1000 + 200 + 1);
        assertThat(streamed).isEqualTo(v1.allChanges());
        // Rows of the rolled-back savepoint and of the aborted transaction never appear.
        assertThat(streamed)
                .extracting(c -> (Integer) c.row().get("id"))
                .noneMatch(id -> id > 2000 && id <= 4000)
                .noneMatch(id -> id > 5000 && id <= 6000);
        ChangeEvent first = streamed.get(0);
        assertThat(first.commitLsn()).isEqualTo(v2.committed.get(0).commitLsn());
        assertThat(first.commitTime()).isEqualTo(v2.committed.get(0).commitTime());
    }

    @Test
    void unchangedToastColumnIsAbsentNotNull() {
        List<ChangeEvent> e = RecordingListener.replay("toast-v2").allChanges();
        ChangeEvent update = e.get(1);
        assertThat(update.operation()).isEqualTo(Operation.UPDATE);
        assertThat(update.row()).containsOnlyKeys("id", "title");
        assertThat(update.row()).containsEntry("title", "renamed");
        assertThat(update.unchangedToastColumns()).containsExactly("body");
        assertThat((String) e.get(0).row().get("body")).hasSize(300 * 32);
    }

    @Test
    void replicaIdentityFullGivesTheWholeOldRow() {
        List<ChangeEvent> e = RecordingListener.replay("replica-full-v1").allChanges();
        assertThat(e.get(0).row()).containsEntry("balance", Double.POSITIVE_INFINITY);
        ChangeEvent update = e.get(2);
        assertThat(update.oldRow())
                .containsEntry("id", 10L)
                .containsEntry("owner", "ann")
                .containsEntry("balance", Double.POSITIVE_INFINITY);
        assertThat(update.row()).containsEntry("balance", 7.25);
        assertThat(e.get(3).oldRow()).containsEntry("balance", -0.5);
    }

    @Test
    void truncateBecomesOneEventPerTable() {
        List<ChangeEvent> e = RecordingListener.replay("truncate-v1").allChanges();
        List<ChangeEvent> truncates =
                e.stream().filter(c -> c.operation() == Operation.TRUNCATE).toList();
        assertThat(truncates)
                .extracting(ChangeEvent::table)
                .containsExactly("parents", "children", "children");
        assertThat(truncates.get(0).truncateCascade()).isTrue();
        assertThat(truncates.get(0).truncateRestartIdentity()).isTrue();
        assertThat(truncates.get(0).commitLsn()).isEqualTo(truncates.get(1).commitLsn());
        assertThat(truncates.get(2).truncateCascade()).isFalse();
        assertThat(truncates).allMatch(t -> t.row() == null && t.oldRow() == null);
    }

    @Test
    void relationChangesApplyFromWhereTheyAppear() {
        List<ChangeEvent> e = RecordingListener.replay("alter-v1").allChanges();
        assertThat(e)
                .extracting(ChangeEvent::row)
                .containsExactly(
                        Map.of("id", 1, "a", "one"),
                        Map.of("id", 2, "a", "two", "b", 2),
                        Map.of("id", 3, "b", 3),
                        Map.of("id", 4, "c", 4_000_000_000L));
    }

    @Test
    void typeMessagesMakeVectorsFloatArrays() {
        ChangeEvent e = RecordingListener.replay("types-v1").allChanges().get(0);
        assertThat(e.row().get("id"))
                .isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(e.row().get("feeling")).isEqualTo("happy");
        assertThat((float[]) e.row().get("embedding")).containsExactly(1f, 2.5f, -3f);
        assertThat(e.row().get("meta")).isEqualTo(new PgJson("{\"k\": [1, null]}"));
        assertThat((byte[]) e.row().get("raw")).containsExactly(0xde, 0xad, 0xbe, 0xef);
        assertThat(e.row().get("at")).isEqualTo(LocalDate.of(2024, 2, 29));
    }

    @Test
    void logicalMessagesReachTheListener() {
        RecordingListener l = RecordingListener.replay("message-v1");
        assertThat(l.messages).extracting(m -> m.prefix()).containsExactly("pgstream", "heartbeat");
        assertThat(l.allChanges()).hasSize(1);
    }

    @Test
    void twoPhaseSlotsAreReportedNotGuessedAt() {
        assertThatThrownBy(() -> RecordingListener.replay("two-phase-v3"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("two_phase");
    }

    @Test
    void changeBeforeItsRelationIsAnError() {
        List<PgOutputFixtures.Captured> messages = PgOutputFixtures.load("basic-v1");
        ChangeEventAssembler assembler = new ChangeEventAssembler(1, new RecordingListener());
        assembler.accept(messages.get(0).lsn(), messages.get(0).buffer()); // Begin
        assertThatThrownBy(() -> assembler.accept(messages.get(2).lsn(), messages.get(2).buffer()))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("before any Relation message");
    }
}
