package io.pgstream.connector.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.PgOutputFixtures.Captured;
import io.pgstream.connector.pgoutput.PgOutputMessage.Begin;
import io.pgstream.connector.pgoutput.PgOutputMessage.BeginPrepare;
import io.pgstream.connector.pgoutput.PgOutputMessage.Commit;
import io.pgstream.connector.pgoutput.PgOutputMessage.CommitPrepared;
import io.pgstream.connector.pgoutput.PgOutputMessage.Delete;
import io.pgstream.connector.pgoutput.PgOutputMessage.Insert;
import io.pgstream.connector.pgoutput.PgOutputMessage.LogicalDecodingMessage;
import io.pgstream.connector.pgoutput.PgOutputMessage.Origin;
import io.pgstream.connector.pgoutput.PgOutputMessage.Prepare;
import io.pgstream.connector.pgoutput.PgOutputMessage.Relation;
import io.pgstream.connector.pgoutput.PgOutputMessage.RelationColumn;
import io.pgstream.connector.pgoutput.PgOutputMessage.RollbackPrepared;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamAbort;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamCommit;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamPrepare;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamStart;
import io.pgstream.connector.pgoutput.PgOutputMessage.StreamStop;
import io.pgstream.connector.pgoutput.PgOutputMessage.Truncate;
import io.pgstream.connector.pgoutput.PgOutputMessage.Type;
import io.pgstream.connector.pgoutput.PgOutputMessage.Update;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decodes messages captured from PostgreSQL 15 (see {@code pgoutput/*.sql} and {@code capture.sh})
 * for protocol versions 1 to 3, text and binary, and hand-built protocol 4 messages.
 */
class PgOutputDecoderTest {

    static List<String> fixtures() {
        return PgOutputFixtures.all();
    }

    private static List<PgOutputMessage> decodeAll(String fixture) {
        PgOutputDecoder decoder = new PgOutputDecoder(PgOutputFixtures.protocolOf(fixture));
        List<PgOutputMessage> out = new ArrayList<>();
        for (Captured m : PgOutputFixtures.load(fixture)) {
            out.add(decoder.decode(m.lsn(), m.buffer()));
        }
        return out;
    }

    private static <T> List<T> only(List<PgOutputMessage> messages, Class<T> type) {
        return messages.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyCapturedMessageDecodesAndTransactionsAreBalanced(String fixture) {
        List<PgOutputMessage> messages = decodeAll(fixture);
        assertThat(messages).isNotEmpty();
        int depth = 0;
        int streamDepth = 0;
        for (PgOutputMessage m : messages) {
            if (m instanceof Begin || m instanceof BeginPrepare) {
                assertThat(depth).as("nested Begin in %s", fixture).isZero();
                depth++;
            } else if (m instanceof Commit || m instanceof Prepare) {
                depth--;
            } else if (m instanceof StreamStart) {
                assertThat(streamDepth).isZero();
                streamDepth++;
            } else if (m instanceof StreamStop) {
                streamDepth--;
            }
            assertThat(depth).isBetween(0, 1);
            assertThat(streamDepth).isBetween(0, 1);
        }
        assertThat(depth).isZero();
        assertThat(streamDepth).isZero();
    }

    @Test
    void basicInsertUpdateDelete() {
        List<PgOutputMessage> m = decodeAll("basic-v1");
        assertThat(m.stream().map(x -> x.getClass().getSimpleName()).collect(Collectors.toList()))
                .containsExactly(
                        "Begin",
                        "Relation",
                        "Insert",
                        "Commit",
                        "Begin",
                        "Insert",
                        "Commit",
                        "Begin",
                        "Update",
                        "Commit",
                        "Begin",
                        "Update",
                        "Commit",
                        "Begin",
                        "Delete",
                        "Commit");
        Relation r = only(m, Relation.class).get(0);
        assertThat(r.namespace()).isEqualTo("public");
        assertThat(r.name()).isEqualTo("items");
        assertThat(r.replicaIdentity()).isEqualTo('d');
        assertThat(r.columns())
                .containsExactly(
                        new RelationColumn(true, "id", TypeRegistryOids.INT4, -1),
                        new RelationColumn(false, "name", TypeRegistryOids.TEXT, -1),
                        new RelationColumn(false, "price", TypeRegistryOids.NUMERIC, 655366),
                        new RelationColumn(false, "tags", TypeRegistryOids.TEXT_ARRAY, -1),
                        new RelationColumn(false, "seen", TypeRegistryOids.TIMESTAMPTZ, -1));

        Insert first = only(m, Insert.class).get(0);
        assertThat(first.relationId()).isEqualTo(r.relationId());
        assertThat(first.xid()).isZero();
        assertThat(text(first.newTuple(), 1)).isEqualTo("apple");
        assertThat(text(first.newTuple(), 3)).isEqualTo("{red,\"green apple\",NULL}");
        Insert second = only(m, Insert.class).get(1);
        assertThat(second.newTuple().kind(1)).isEqualTo(TupleData.NULL);
        assertThat(second.newTuple().kind(4)).isEqualTo(TupleData.NULL);

        List<Update> updates = only(m, Update.class);
        assertThat(updates.get(0).oldKind()).isEqualTo((char) 0);
        assertThat(updates.get(0).oldTuple()).isNull();
        assertThat(updates.get(1).oldKind()).isEqualTo('K');
        assertThat(text(updates.get(1).oldTuple(), 0)).isEqualTo("2");
        assertThat(updates.get(1).oldTuple().kind(1)).isEqualTo(TupleData.NULL);
        assertThat(text(updates.get(1).newTuple(), 0)).isEqualTo("3");

        Delete delete = only(m, Delete.class).get(0);
        assertThat(delete.oldKind()).isEqualTo('K');
        assertThat(text(delete.oldTuple(), 0)).isEqualTo("1");

        Begin begin = only(m, Begin.class).get(0);
        Commit commit = only(m, Commit.class).get(0);
        assertThat(begin.finalLsn()).isEqualTo(commit.commitLsn());
        assertThat(commit.endLsn()).isGreaterThan(commit.commitLsn());
        assertThat(begin.commitTime()).isEqualTo(commit.commitTime());
        assertThat(begin.commitTime()).isAfter(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(begin.xid()).isPositive();
    }

    @Test
    void binaryTuplesCarryKindB() {
        List<Insert> inserts = only(decodeAll("basic-v1-binary"), Insert.class);
        TupleData t = inserts.get(0).newTuple();
        assertThat(t.kind(0)).isEqualTo(TupleData.BINARY);
        assertThat(t.bytes(0)).containsExactly(0, 0, 0, 1);
    }

    @Test
    void replicaIdentityFullSendsWholeOldRow() {
        List<PgOutputMessage> m = decodeAll("replica-full-v1");
        assertThat(only(m, Relation.class).get(0).replicaIdentity()).isEqualTo('f');
        Update update = only(m, Update.class).get(0);
        assertThat(update.oldKind()).isEqualTo('O');
        assertThat(text(update.oldTuple(), 1)).isEqualTo("ann");
        assertThat(text(update.oldTuple(), 2)).isEqualTo("Infinity");
        Delete delete = only(m, Delete.class).get(0);
        assertThat(delete.oldKind()).isEqualTo('O');
        assertThat(text(delete.oldTuple(), 1)).isEqualTo("bob");
    }

    @Test
    void unchangedToastColumnIsKindU() {
        Update update = only(decodeAll("toast-v1"), Update.class).get(0);
        assertThat(text(update.newTuple(), 1)).isEqualTo("renamed");
        assertThat(update.newTuple().kind(2)).isEqualTo(TupleData.UNCHANGED_TOAST);
        Insert insert = only(decodeAll("toast-v1"), Insert.class).get(0);
        assertThat(insert.newTuple().length(2)).isEqualTo(300 * 32);
    }

    @Test
    void truncateOfSeveralRelationsWithFlags() {
        List<PgOutputMessage> m = decodeAll("truncate-v1");
        List<Truncate> truncates = only(m, Truncate.class);
        assertThat(truncates).hasSize(2);
        assertThat(truncates.get(0).relationIds()).hasSize(2);
        assertThat(truncates.get(0).cascade()).isTrue();
        assertThat(truncates.get(0).restartIdentity()).isTrue();
        assertThat(truncates.get(1).relationIds()).hasSize(1);
        assertThat(truncates.get(1).cascade()).isFalse();
        assertThat(truncates.get(1).restartIdentity()).isFalse();
    }

    @Test
    void logicalDecodingMessages() {
        List<LogicalDecodingMessage> m =
                only(decodeAll("message-v1"), LogicalDecodingMessage.class);
        assertThat(m).hasSize(2);
        assertThat(m.get(0).transactional()).isTrue();
        assertThat(m.get(0).prefix()).isEqualTo("pgstream");
        assertThat(new String(m.get(0).content(), StandardCharsets.UTF_8))
                .isEqualTo("in a transaction");
        assertThat(m.get(1).transactional()).isFalse();
        assertThat(m.get(1).prefix()).isEqualTo("heartbeat");
        assertThat(m.get(1).content()).isEmpty();
    }

    @Test
    void originMessage() {
        Origin origin = only(decodeAll("origin-v1"), Origin.class).get(0);
        assertThat(origin.name()).isEqualTo("fixture_upstream");
        assertThat(origin.originCommitLsn()).isEqualTo(Lsn.parse("0/ABCDEF"));
    }

    @Test
    void typeMessagesNameNonBuiltinTypes() {
        List<Type> types = only(decodeAll("types-v1"), Type.class);
        assertThat(types).extracting(Type::name).containsExactlyInAnyOrder("mood", "vector");
        assertThat(types).extracting(Type::namespace).containsOnly("public");
        Relation r = only(decodeAll("types-v1"), Relation.class).get(0);
        Type vector = types.stream().filter(t -> t.name().equals("vector")).findFirst().get();
        assertThat(r.columns().get(2).typeOid()).isEqualTo(vector.typeOid());
        assertThat(r.columns().get(2).typeModifier()).isEqualTo(3);
    }

    @Test
    void relationMessagesFollowAlterTable() {
        List<Relation> relations = only(decodeAll("alter-v1"), Relation.class);
        assertThat(relations)
                .extracting(r -> r.columns().stream().map(RelationColumn::name).toList())
                .containsExactly(
                        List.of("id", "a"),
                        List.of("id", "a", "b"),
                        List.of("id", "b"),
                        List.of("id", "c"));
        assertThat(relations.get(3).columns().get(1).typeOid()).isEqualTo(TypeRegistryOids.INT8);
    }

    @Test
    void streamedTransactionsCarryXidsAndSubtransactionAborts() {
        List<PgOutputMessage> m = decodeAll("streaming-v2");
        List<StreamStart> starts = only(m, StreamStart.class);
        assertThat(starts).isNotEmpty();
        long committedXid = only(m, StreamCommit.class).get(0).xid();
        assertThat(starts.get(0).firstSegment()).isTrue();
        assertThat(starts).filteredOn(s -> s.xid() == committedXid).hasSizeGreaterThan(1);
        assertThat(starts.stream().filter(s -> s.xid() == committedXid).skip(1))
                .allMatch(s -> !s.firstSegment());

        List<StreamAbort> aborts = only(m, StreamAbort.class);
        assertThat(aborts).hasSize(2);
        StreamAbort subAbort = aborts.get(0);
        assertThat(subAbort.xid()).isEqualTo(committedXid);
        assertThat(subAbort.subXid()).isNotEqualTo(committedXid);
        assertThat(subAbort.abortLsn()).isNull();
        StreamAbort fullAbort = aborts.get(1);
        assertThat(fullAbort.subXid()).isEqualTo(fullAbort.xid());

        // Inside a stream block every change names its (sub)transaction.
        List<Insert> inserts = only(m, Insert.class);
        assertThat(inserts.stream().filter(i -> i.xid() == subAbort.subXid())).isNotEmpty();
        assertThat(inserts.stream().filter(i -> i.xid() == committedXid)).hasSize(1000);
        // ROLLBACK TO SAVEPOINT keeps the savepoint: later rows belong to a new subtransaction.
        assertThat(
                        inserts.stream()
                                .filter(i -> i.xid() != committedXid && i.xid() != 0)
                                .map(Insert::xid)
                                .distinct())
                .hasSize(3);
        // The last, small transaction is not streamed.
        assertThat(inserts.get(inserts.size() - 1).xid()).isZero();
    }

    @Test
    void twoPhaseMessages() {
        List<PgOutputMessage> m = decodeAll("two-phase-v3");
        assertThat(only(m, BeginPrepare.class))
                .extracting(BeginPrepare::gid)
                .containsExactly("g1", "g2");
        assertThat(only(m, Prepare.class)).extracting(Prepare::gid).containsExactly("g1", "g2");
        assertThat(only(m, CommitPrepared.class))
                .extracting(CommitPrepared::gid)
                .containsExactly("g1", "g3");
        RollbackPrepared rollback = only(m, RollbackPrepared.class).get(0);
        assertThat(rollback.gid()).isEqualTo("g2");
        assertThat(rollback.rollbackEndLsn()).isGreaterThan(rollback.prepareEndLsn());
        StreamPrepare streamPrepare = only(m, StreamPrepare.class).get(0);
        assertThat(streamPrepare.gid()).isEqualTo("g3");
        BeginPrepare g1 = only(m, BeginPrepare.class).get(0);
        Prepare p1 = only(m, Prepare.class).get(0);
        assertThat(p1.xid()).isEqualTo(g1.xid());
        assertThat(p1.prepareLsn()).isEqualTo(g1.prepareLsn());
    }

    @Test
    void protocolFourStreamAbortCarriesAbortLsnAndTime() {
        ByteBuffer b = ByteBuffer.allocate(25);
        b.put((byte) 'A').putInt(700).putInt(701).putLong(0x1_0000_0010L).putLong(1_000_000L);
        b.flip();
        StreamAbort abort = (StreamAbort) new PgOutputDecoder(4).decode(Lsn.parse("0/10"), b);
        assertThat(abort.xid()).isEqualTo(700);
        assertThat(abort.subXid()).isEqualTo(701);
        assertThat(abort.abortLsn()).isEqualTo(Lsn.parse("1/10"));
        assertThat(abort.abortTime()).isEqualTo(Instant.parse("2000-01-01T00:00:01Z"));
    }

    @Test
    void protocolFourStreamAbortWithoutParallelStreamingIsShort() {
        ByteBuffer b = ByteBuffer.allocate(9);
        b.put((byte) 'A').putInt(-2).putInt(-2);
        b.flip();
        StreamAbort abort = (StreamAbort) new PgOutputDecoder(4).decode(Lsn.parse("0/10"), b);
        assertThat(abort.xid()).isEqualTo(4294967294L);
        assertThat(abort.abortLsn()).isNull();
    }

    @Test
    void unknownMessageTypeNamesByteAndLsn() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {'Z', 1, 2});
        assertThatThrownBy(() -> new PgOutputDecoder(1).decode(Lsn.parse("16/B374D848"), b))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("0x5a")
                .hasMessageContaining("16/B374D848");
    }

    @Test
    void truncatedMessageIsAnErrorNamingTheLsn() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {'B', 0, 0, 0, 0, 1});
        assertThatThrownBy(() -> new PgOutputDecoder(1).decode(Lsn.parse("0/42"), b))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("Truncated")
                .hasMessageContaining("'B'")
                .hasMessageContaining("0/42");
    }

    @Test
    void unknownTupleKindIsAnError() {
        ByteBuffer b = ByteBuffer.allocate(10);
        b.put((byte) 'I').putInt(16384).put((byte) 'N').putShort((short) 1).put((byte) 'x');
        b.flip();
        assertThatThrownBy(() -> new PgOutputDecoder(1).decode(Lsn.parse("0/1"), b))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("tuple column kind 0x78");
    }

    @Test
    void streamingMessagesNeedProtocolTwo() {
        ByteBuffer b = ByteBuffer.allocate(6);
        b.put((byte) 'S').putInt(5).put((byte) 1);
        b.flip();
        assertThatThrownBy(() -> new PgOutputDecoder(1).decode(Lsn.parse("0/1"), b))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("needs protocol version 2");
    }

    @Test
    void rejectsUnsupportedProtocolVersions() {
        assertThatThrownBy(() -> new PgOutputDecoder(5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PgOutputDecoder(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesFromAnOffsetBufferAndADirectBuffer() {
        Captured insert =
                PgOutputFixtures.load("basic-v1").stream()
                        .filter(c -> c.type() == 'I')
                        .findFirst()
                        .get();
        byte[] padded = new byte[insert.bytes().length + 7];
        System.arraycopy(insert.bytes(), 0, padded, 5, insert.bytes().length);
        ByteBuffer slice = ByteBuffer.wrap(padded, 5, insert.bytes().length).slice();
        ByteBuffer direct = ByteBuffer.allocateDirect(insert.bytes().length);
        direct.put(insert.bytes()).flip();
        for (ByteBuffer b : List.of(slice, direct)) {
            Insert decoded = (Insert) new PgOutputDecoder(1).decode(insert.lsn(), b);
            assertThat(text(decoded.newTuple(), 1)).isEqualTo("apple");
        }
    }

    private static String text(TupleData t, int column) {
        assertThat(t.kind(column)).isEqualTo(TupleData.TEXT);
        return new String(t.bytes(column), StandardCharsets.UTF_8);
    }
}
