package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Statement splitting for {@code pgstream sql}. */
class SqlScriptTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String script =
                "-- a comment; not a statement\n"
                        + "CREATE TABLE t (a STRING) WITH ('k' = 'v;w');\n"
                        + "/* block; comment */ SELECT 'it''s;' , \"q;\" FROM t ;\n"
                        + " ; \n"
                        + "INSERT INTO s SELECT * FROM t";
        assertThat(SqlScript.statements(script))
                .containsExactly(
                        "CREATE TABLE t (a STRING) WITH ('k' = 'v;w')",
                        "SELECT 'it''s;' , \"q;\" FROM t",
                        "INSERT INTO s SELECT * FROM t");
    }
}
