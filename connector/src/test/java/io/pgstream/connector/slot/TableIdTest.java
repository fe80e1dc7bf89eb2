package io.pgstream.connector.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableIdTest {

    @Test
    void nameWithoutSchemaIsInPublic() {
        assertThat(TableId.parse("docs")).isEqualTo(new TableId("public", "docs"));
    }

    @Test
    void schemaAndTable() {
        assertThat(TableId.parse("app.docs")).isEqualTo(new TableId("app", "docs"));
    }

    @Test
    void unquotedNamesFoldToLowerCaseLikePostgres() {
        assertThat(TableId.parse("App.Docs")).isEqualTo(new TableId("app", "docs"));
    }

    @Test
    void quotedNamesKeepCaseDotsAndQuotes() {
        assertThat(TableId.parse("\"my.schema\".\"Docs\""))
                .isEqualTo(new TableId("my.schema", "Docs"));
        assertThat(TableId.parse("\"a\"\"b\"")).isEqualTo(new TableId("public", "a\"b"));
        assertThat(TableId.parse("s.\"T\"")).isEqualTo(new TableId("s", "T"));
    }

    @Test
    void anUnquotedPartIsTakenLiterallySoTheLookupNamesIt() {
        assertThat(TableId.parse("x\"; DROP TABLE victim; --"))
                .isEqualTo(new TableId("public", "x\"; drop table victim; --"));
    }

    @Test
    void quotedDoublesEmbeddedQuotesInEveryPart() {
        assertThat(new TableId("public", "docs").quoted()).isEqualTo("\"public\".\"docs\"");
        assertThat(new TableId("my.schema", "x\"; DROP TABLE victim; --").quoted())
                .isEqualTo("\"my.schema\".\"x\"\"; DROP TABLE victim; --\"");
    }

    @Test
    void toStringQuotesOnlyWhatNeedsItAndParsesBack() {
        assertThat(new TableId("public", "docs")).hasToString("public.docs");
        assertThat(new TableId("my.schema", "Docs")).hasToString("\"my.schema\".\"Docs\"");
        for (TableId id :
                new TableId[] {
                    new TableId("public", "docs"),
                    new TableId("my.schema", "Docs"),
                    new TableId("a\"b", "1st"),
                    new TableId("s", "with space")
                }) {
            assertThat(TableId.parse(id.toString())).isEqualTo(id);
        }
    }

    @Test
    void malformedNamesAreRejectedNamingTheInput() {
        assertThatThrownBy(() -> TableId.parse("")).hasMessageContaining("Empty table name");
        assertThatThrownBy(() -> TableId.parse("a.b.c"))
                .hasMessageContaining("'a.b.c'")
                .hasMessageContaining("3 parts");
        assertThatThrownBy(() -> TableId.parse("\"open"))
                .hasMessageContaining("Unterminated quote in table name '\"open'");
        assertThatThrownBy(() -> TableId.parse("\"a\"b")).hasMessageContaining("Unexpected 'b'");
        assertThatThrownBy(() -> TableId.parse("a.")).hasMessageContaining("ends with a dot");
        assertThatThrownBy(() -> TableId.parse(".a")).hasMessageContaining("Empty part");
        assertThatThrownBy(() -> TableId.parse("\"\"")).hasMessageContaining("Empty quoted");
    }

    @Test
    void identifiersQuoteDoublesQuotesAndRejectNul() {
        assertThat(Identifiers.quote("pub")).isEqualTo("\"pub\"");
        assertThat(Identifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThatThrownBy(() -> Identifiers.quote(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Identifiers.quote("a\0b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
