package io.pgstream.jobs.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Small classes with one job: no main class of either module over 400 lines, and one over 300 says
 * in its Javadoc why it is that long ("over 300 lines because …"), so a class that grows past the
 * mark is split or explained, not left to grow.
 */
class ClassSizeTest {

    private static final int LIMIT = 400;
    private static final int EXPLAIN = 300;

    private static List<Path> mainSources() throws IOException {
        Path jobs = Path.of("src/main/java");
        Path connector = Path.of("../connector/src/main/java");
        List<Path> out = new ArrayList<>();
        for (Path root : List.of(jobs, connector)) {
            assertThat(root).as("sources of both modules are found from jobs/").isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void noMainClassIsOverTheLimitAndLongOnesSayWhy() throws IOException {
        List<String> tooLong = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        for (Path file : mainSources()) {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() > LIMIT) {
                tooLong.add(file + " (" + lines.size() + ")");
            } else if (lines.size() > EXPLAIN
                    && !String.join(" ", lines)
                            .replaceAll("\\s*\\*\\s*", " ")
                            .contains("over 300 lines because")) {
                unexplained.add(file + " (" + lines.size() + ")");
            }
        }
        assertThat(tooLong).as("main classes over %d lines", LIMIT).isEmpty();
        assertThat(unexplained)
                .as("main classes over %d lines whose Javadoc does not say why", EXPLAIN)
                .isEmpty();
    }
}
