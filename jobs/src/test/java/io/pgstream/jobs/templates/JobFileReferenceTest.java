package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.Test;

/**
 * docs/job-file.md's key reference and the declared options ({@link JobFileOptions}) are the same
 * list: every declared key has a row, every row names a declared key, and a row's default and
 * meaning are the option's. A failure prints the row the option expects.
 */
class JobFileReferenceTest {

    private static final Path DOC = Path.of("..", "docs", "job-file.md");
    private static final String HEADING = "## Key reference";

    @Test
    void everyDeclaredOptionHasItsRowAndEveryRowIsDeclared() throws IOException {
        Map<String, List<String>> rows = rows(Files.readString(DOC, StandardCharsets.UTF_8));
        List<String> declared = new ArrayList<>();
        for (ConfigOption<?> o : JobFileOptions.ALL) {
            declared.add(o.key());
        }
        assertThat(rows.keySet())
                .as("keys in %s under '%s'", DOC, HEADING)
                .containsExactlyElementsOf(declared);
    }

    @Test
    void eachRowStatesTheOptionsDefaultAndDescription() throws IOException {
        Map<String, List<String>> rows = rows(Files.readString(DOC, StandardCharsets.UTF_8));
        for (ConfigOption<?> o : JobFileOptions.ALL) {
            List<String> row = rows.get(o.key());
            if (row == null) {
                continue; // the other test names it
            }
            assertThat(row.get(1) + " | " + row.get(2))
                    .as("row of %s; expected:%n%s", o.key(), expectedRow(o))
                    .isEqualTo(expectedDefault(o) + " | " + description(o));
        }
    }

    /** The table rows under the heading: key → cells, in the document's order. */
    static Map<String, List<String>> rows(String doc) {
        int start = doc.indexOf("\n" + HEADING + "\n");
        assertThat(start).as("%s has a '%s' section", DOC, HEADING).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.length() - 1).split(" \\| ", -1)) {
                cells.add(cell.strip());
            }
            String key = cells.get(0).replace("`", "");
            assertThat(rows.put(key, cells)).as("%s listed twice", key).isNull();
            assertThat(cells).as("row of %s: key | default | meaning", key).hasSize(3);
        }
        return rows;
    }

    private static String expectedRow(ConfigOption<?> o) {
        return "| `" + o.key() + "` | " + expectedDefault(o) + " | " + description(o) + " |";
    }

    /** The default as the job file writes it, in backticks; a dash when there is none. */
    private static String expectedDefault(ConfigOption<?> o) {
        if (!o.hasDefaultValue()) {
            return "—";
        }
        Object v = o.defaultValue();
        String text;
        if (v instanceof Duration) {
            text = TimeUtils.formatWithHighestUnit((Duration) v).replace(" ", "");
        } else if (v instanceof Enum) {
            text = ((Enum<?>) v).name().toLowerCase(Locale.ROOT).replace('_', '-');
        } else {
            text = String.valueOf(v);
        }
        return "`" + text + "`";
    }

    private static String description(ConfigOption<?> o) {
        return new HtmlFormatter().format(o.description());
    }
}
