package io.pgstream.jobs.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DocumentMapperTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    private static final TextTemplate TEXT = TextTemplate.parse("{title}\n\n{body}");

    private static DocumentMapper mapper() {
        return new DocumentMapper(
                Map.of("public.docs", List.of("id"), "app.pairs", List.of("a", "b")), TEXT);
    }

    private static ChangeEvent.Builder event(Operation op, String schema, String table) {
        return ChangeEvent.builder(op)
                .table(schema, table)
                .commitLsn(new Lsn(0x100))
                .lsn(new Lsn(0xF0))
                .commitTime(T)
                .xid(7);
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<DocumentChange> map(ChangeEvent e) {
        List<DocumentChange> out = new ArrayList<>();
        mapper().map(e, out::add);
        return out;
    }

    @Test
    void insertBecomesAnUpsertWithTemplateTextOtherColumnsAsMetadataAndTheCommitLsn() {
        List<DocumentChange> out =
                map(
                        event(Operation.INSERT, "public", "docs")
                                .row(row("id", 5, "title", "T", "body", "B", "tags", null))
                                .build());
        assertThat(out)
                .containsExactly(
                        DocumentChange.upsert(
                                "public.docs",
                                "5",
                                "T\n\nB",
                                "{\"id\":5,\"tags\":null}",
                                new Lsn(0x100),
                                T));
    }

    @Test
    void anUnchangedToastTextColumnMustBeReadBackAndIsNeverRenderedAsEmpty() {
        ChangeEvent e =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T2", "n", 1))
                        .unchangedToastColumn("body")
                        .build();
        assertThat(mapper().missingTextColumns(e)).containsExactly("body");
        // Unread (the row is gone by the time it is read back): metadata only, never "T2\n\n".
        List<DocumentChange> out = map(e);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).textKnown()).isFalse();
        assertThat(out.get(0).metadataJson()).isEqualTo("{\"id\":5,\"n\":1}");
    }

    @Test
    void underReplicaIdentityFullTheOldRowSuppliesTheUnchangedToastValue() {
        ChangeEvent e =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T2", "n", 1))
                        .oldRow(row("id", 5, "title", "T1", "body", "long body", "n", 1))
                        .unchangedToastColumn("body")
                        .build();
        assertThat(mapper().missingTextColumns(e)).isEmpty();
        assertThat(map(e)).extracting(DocumentChange::text).containsExactly("T2\n\nlong body");
    }

    @Test
    void anUnchangedToastMetadataColumnNeedsNoReadBackAndKeepsTheText() {
        ChangeEvent e =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T2", "body", "B"))
                        .unchangedToastColumn("attachment")
                        .build();
        assertThat(mapper().missingTextColumns(e)).isEmpty();
        List<DocumentChange> out = map(e);
        assertThat(out).extracting(DocumentChange::text).containsExactly("T2\n\nB");
        assertThat(out.get(0).metadataJson()).isEqualTo("{\"id\":5}");
    }

    @Test
    void anUnchangedToastMetadataColumnIsKeptAndEveryOtherStoredKeyReplaced() {
        ChangeEvent e =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T", "body", "B"))
                        .unchangedToastColumn("notes")
                        .build();
        DocumentChange change = map(e).get(0);
        assertThat(change.metadataJson()).isEqualTo("{\"id\":5}");
        assertThat(change.keptMetadata()).containsExactly("notes");
        DocumentChange whole =
                map(event(Operation.UPDATE, "public", "docs")
                                .row(row("id", 5, "title", "T", "body", "B"))
                                .build())
                        .get(0);
        assertThat(whole.keptMetadata()).isEmpty();
    }

    @Test
    void aTemplateColumnTheRowNoLongerHasMakesADeadLetterNeverAnEmptyText() {
        // body renamed to content: the rows after the ALTER carry the new name
        ChangeEvent e =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T", "content", "B"))
                        .build();
        assertThat(mapper().missingTextColumns(e)).isEmpty();
        List<DocumentChange> out = map(e);
        assertThat(out).hasSize(1);
        assertThat(out.get(0).textKnown()).isFalse();
        assertThat(out.get(0).textError())
                .contains("column body of embedding.template")
                .contains("public.docs")
                .contains("dropped or renamed");
        // unchanged TOAST is not a missing column: it is read back
        ChangeEvent toasted =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T"))
                        .unchangedToastColumn("body")
                        .build();
        assertThat(map(toasted).get(0).textError()).isNull();
    }

    @Test
    void aFilledInEventRendersTheWholeNewText() {
        ChangeEvent e =
                event(Operation.UPDATE, "public", "docs")
                        .row(row("id", 5, "title", "T2", "n", 1))
                        .unchangedToastColumn("body")
                        .build();
        LinkedHashMap<String, Object> filled = new LinkedHashMap<>(e.row());
        filled.put("body", "long body");
        ChangeEvent read =
                e.toBuilder().ownedRow(filled).clearUnchangedToastColumns(List.of("body")).build();
        assertThat(mapper().missingTextColumns(read)).isEmpty();
        assertThat(map(read)).extracting(DocumentChange::text).containsExactly("T2\n\nlong body");
    }

    @Test
    void keyChangeDeletesTheOldIdBeforeUpsertingTheNewOne() {
        List<DocumentChange> out =
                map(
                        event(Operation.UPDATE, "public", "docs")
                                .row(row("id", 6, "title", "T", "body", "B"))
                                .oldRow(row("id", 5))
                                .build());
        assertThat(out)
                .extracting(DocumentChange::kind, DocumentChange::id)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DocumentChange.Kind.DELETE, "5"),
                        org.assertj.core.groups.Tuple.tuple(DocumentChange.Kind.UPSERT, "6"));
    }

    @Test
    void updateWithTheSameKeyInTheOldRowIsOneUpsert() {
        List<DocumentChange> out =
                map(
                        event(Operation.UPDATE, "public", "docs")
                                .row(row("id", 5, "title", "T", "body", "B"))
                                .oldRow(row("id", 5, "title", "old", "body", "B"))
                                .build());
        assertThat(out)
                .extracting(DocumentChange::kind)
                .containsExactly(DocumentChange.Kind.UPSERT);
    }

    @Test
    void compositeKeysAreJsonArraysOfTextForms() {
        UUID u = UUID.fromString("7d8f7a0e-1c5e-4a7e-9a3e-2f5b8c1d0e9f");
        List<DocumentChange> out =
                map(
                        event(Operation.DELETE, "app", "pairs")
                                .oldRow(row("a", "x\"y", "b", u))
                                .build());
        assertThat(out.get(0).id()).isEqualTo("[\"x\\\"y\",\"" + u + "\"]");
        assertThat(out.get(0).kind()).isEqualTo(DocumentChange.Kind.DELETE);
    }

    @Test
    void truncateAndUnindexedTables() {
        assertThat(map(event(Operation.TRUNCATE, "public", "docs").build()))
                .containsExactly(DocumentChange.truncate("public.docs", new Lsn(0x100), T));
        assertThat(map(event(Operation.INSERT, "public", "other").row(row("id", 1)).build()))
                .isEmpty();
    }

    @Test
    void aDeleteWithoutItsKeyColumnsSaysHowToFixTheTable() {
        assertThatThrownBy(
                        () ->
                                map(
                                        event(Operation.DELETE, "public", "docs")
                                                .oldRow(row("title", "x"))
                                                .build()))
                .hasMessageContaining("REPLICA IDENTITY");
    }
}
