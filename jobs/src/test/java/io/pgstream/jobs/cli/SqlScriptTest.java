package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.jobs.cli.SqlScript.Statement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statement splitting, line numbers and {@code ${NAME}} expansion for {@code pgstream sql}. */
class SqlScriptTest {

    private static List<String> texts(String script) {
        return SqlScript.statements(script).stream().map(Statement::text).toList();
    }

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        String script =
                "-- a comment; not a statement\n"
                        + "CREATE TABLE t (a STRING) WITH ('k' = 'v;w');\n"
                        + "/* block; comment */ SELECT 'it''s;' , \"q;\" FROM t ;\n"
                        + " ; \n"
                        + "INSERT INTO s SELECT * FROM t";
        assertThat(texts(script))
                .containsExactly(
                        "CREATE TABLE t (a STRING) WITH ('k' = 'v;w')",
                        "SELECT 'it''s;' , \"q;\" FROM t",
                        "INSERT INTO s SELECT * FROM t");
    }

    @Test
    void eachStatementKnowsTheLineItStartsOn() {
        String script =
                "-- header\n"
                        + "\n"
                        + "CREATE TABLE t (a STRING)\n"
                        + "  WITH ('k' = 'multi\n"
                        + "line');\n"
                        + "/* two\n"
                        + "   lines */\n"
                        + "-- and a comment\n"
                        + "SELECT 1;";
        assertThat(SqlScript.statements(script)).extracting(Statement::line).containsExactly(3, 9);
    }

    @Test
    void expandsVariablesInsideQuotesAndOut() {
        Statement s = SqlScript.statements("SELECT '${A}' AS ${B}, '${A' FROM t").get(0);
        Map<String, String> env = Map.of("A", "one", "B", "two");
        assertThat(s.expanded(env::get, "q.sql")).isEqualTo("SELECT 'one' AS two, '${A' FROM t");
        // What is shown of a statement is the text as written.
        assertThat(s.text()).isEqualTo("SELECT '${A}' AS ${B}, '${A' FROM t");
    }

    @Test
    void anUnsetVariableNamesTheFileAndLine() {
        String script =
                "-- the DSN comes from the environment\n"
                        + "CREATE TABLE t (a STRING) WITH (\n"
                        + "  /* the\n"
                        + "     server */\n"
                        + "  'url' = '${PGSTREAM_DSN}',\n"
                        + "  'password' = '${NOT_SET_ANYWHERE}'\n"
                        + ")";
        Statement s = SqlScript.statements(script).get(0);
        Map<String, String> env = Map.of("PGSTREAM_DSN", "postgresql://h/db");
        assertThatThrownBy(() -> s.expanded(env::get, "examples/x.sql"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("examples/x.sql:6: ${NOT_SET_ANYWHERE} is not set");
    }

    @Test
    void variablesInCommentsAreNotExpanded() {
        Statement s = SqlScript.statements("-- export ${UNSET_IN_COMMENT} first\nSELECT 1").get(0);
        assertThat(s.expanded(name -> null, "q.sql")).isEqualTo("SELECT 1");
    }

    @Test
    void anInsertsCheckpointFolderIgnoresCommentsAndLayoutButNotItsText() {
        SqlCheckpoints checkpoints = new SqlCheckpoints(Path.of("/chk"));
        Statement plain = SqlScript.statements("INSERT INTO s SELECT * FROM t").get(0);
        Statement commented =
                SqlScript.statements("-- copy t\n/* into s */\nINSERT INTO s\n  SELECT *  FROM t")
                        .get(0);
        Statement other = SqlScript.statements("INSERT INTO s SELECT * FROM u").get(0);

        Path folder = checkpoints.folderOf(plain, 1);
        assertThat(folder.getParent()).isEqualTo(Path.of("/chk"));
        assertThat(folder.getFileName().toString()).matches("insert-1-[0-9a-f]{12}");
        assertThat(checkpoints.folderOf(commented, 1)).isEqualTo(folder);
        assertThat(checkpoints.folderOf(other, 1)).isNotEqualTo(folder);
        assertThat(checkpoints.folderOf(plain, 2)).isNotEqualTo(folder);
        assertThat(SqlCheckpoints.isInsert(commented)).isTrue();
        assertThat(SqlCheckpoints.isInsert(SqlScript.statements("SELECT 1").get(0))).isFalse();
    }
}
