package io.pgstream.jobs.sink;

import static io.pgstream.jobs.testutils.VectorWrites.delete;
import static io.pgstream.jobs.testutils.VectorWrites.metadata;
import static io.pgstream.jobs.testutils.VectorWrites.truncate;
import static io.pgstream.jobs.testutils.VectorWrites.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rounds keep each row's writes in order, rows distinct per round, truncates as barriers. */
class WriteRoundsTest {

    private static String describe(List<WriteRounds.Step> steps) {
        return steps.stream()
                .map(
                        s ->
                                s.isTruncate()
                                        ? "T" + s.truncate().lsn().value()
                                        : s.round().stream()
                                                .map(w -> w.id() + "@" + w.lsn().value())
                                                .collect(Collectors.joining(",", "[", "]")))
                .collect(Collectors.joining(" "));
    }

    @Test
    void distinctRowsShareOneRound() {
        assertThat(
                        describe(
                                WriteRounds.of(
                                        List.of(
                                                upsert("s.t", "1", "a", 1, 2, 1),
                                                upsert("s.t", "2", "b", 1, 2, 2),
                                                delete("s.u", "1", 3)))))
                .isEqualTo("[1@1,2@2,1@3]");
    }

    @Test
    void repeatedRowsGoToLaterRoundsInOrder() {
        assertThat(
                        describe(
                                WriteRounds.of(
                                        List.of(
                                                upsert("s.t", "1", "a", 1, 2, 1),
                                                metadata("s.t", "1", "{}", 2),
                                                upsert("s.t", "2", "b", 1, 2, 3),
                                                delete("s.t", "1", 4)))))
                .isEqualTo("[1@1,2@3] [1@2] [1@4]");
    }

    @Test
    void aTruncateClosesTheOpenRounds() {
        assertThat(
                        describe(
                                WriteRounds.of(
                                        List.of(
                                                upsert("s.t", "1", "a", 1, 2, 1),
                                                upsert("s.t", "1", "a", 1, 2, 2),
                                                truncate("s.t", 3),
                                                upsert("s.t", "1", "a", 1, 2, 4)))))
                .isEqualTo("[1@1] [1@2] T3 [1@4]");
        assertThat(WriteRounds.of(List.of())).isEmpty();
    }
}
