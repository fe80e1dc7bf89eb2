package io.pgstream.jobs.sink.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.testutils.PostgresExtension;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code sink.alias} view: created over the table when missing, left alone when it exists, and
 * switched in one transaction, also to a table of another vector size (where {@code CREATE OR
 * REPLACE VIEW} refuses the changed column type).
 */
class PgVectorAliasITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static PgVectorSinkConfig table(String name, int dims) throws SQLException {
        PgVectorSinkConfig c = PgVectorSinkConfig.of(PG.config(), name, dims, false, 10);
        try (Connection conn = PG.config().connect()) {
            new PgVectorTable(c).ensure(conn);
        }
        return c;
    }

    private static Object viewDimensions() throws SQLException {
        return PG.queryValue(
                "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'pva_search'::regclass"
                        + " AND attname = 'embedding'");
    }

    @Test
    void theViewIsMadeOnceAndSwitchedToATableOfAnotherSize() throws Exception {
        PgVectorSinkConfig alias = PgVectorSinkConfig.of(PG.config(), "pva_search", 3, false, 10);
        PgVectorSinkConfig v1 = table("pva_v1", 3);
        PgVectorSinkConfig v2 = table("pva_v2", 4);
        PG.execute(
                "INSERT INTO pva_v2 (source_table, id, chunk, embedding, content, lsn)"
                        + " VALUES ('t', '1', 0, '[1,0,0,0]', 'new', 1)");
        try (Connection c = PG.config().connect()) {
            new PgVectorAlias(alias, v1).ensure(c);
            assertThat(viewDimensions()).isEqualTo(3);
            new PgVectorAlias(alias, v2).ensure(c);
            assertThat(viewDimensions()).as("an existing alias is not moved by sync").isEqualTo(3);

            new PgVectorAlias(alias, v2).switchTo(c);
        }
        assertThat(viewDimensions()).isEqualTo(4);
        assertThat(PG.queryValue("SELECT content FROM pva_search")).isEqualTo("new");
    }

    @Test
    void aTableWithTheAliasNameIsRefused() throws Exception {
        PgVectorSinkConfig v1 = table("pva_t1", 3);
        PgVectorSinkConfig taken = table("pva_taken", 3);
        try (Connection c = PG.config().connect()) {
            assertThatThrownBy(() -> new PgVectorAlias(taken, v1).ensure(c))
                    .hasMessageContaining("sink.alias pva_taken exists and is not a view");
        }
    }
}
