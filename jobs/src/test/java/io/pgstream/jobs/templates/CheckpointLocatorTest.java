package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLocatorTest {

    private static void checkpoint(Path dir, String job, int n, Instant at, boolean complete)
            throws Exception {
        Path chk = Files.createDirectories(dir.resolve(job).resolve("chk-" + n));
        if (complete) {
            Path metadata = Files.writeString(chk.resolve("_metadata"), "x");
            Files.setLastModifiedTime(metadata, FileTime.from(at));
        }
    }

    @Test
    void theNewestCompletedCheckpointAcrossRunsWinsAndCutOffOnesAreIgnored(@TempDir Path dir)
            throws Exception {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        checkpoint(dir, "job-a", 7, t, true);
        checkpoint(dir, "job-b", 2, t.plusSeconds(60), true); // a later run (restored from a)
        checkpoint(dir, "job-b", 3, t.plusSeconds(70), false); // cut off by a SIGKILL
        Files.createDirectories(dir.resolve("job-b").resolve("shared"));
        assertThat(CheckpointLocator.latest(dir)).contains(dir.resolve("job-b").resolve("chk-2"));
    }

    @Test
    void nothingToResumeFrom(@TempDir Path dir) throws Exception {
        assertThat(CheckpointLocator.latest(dir.resolve("absent"))).isEmpty();
        checkpoint(dir, "job-a", 1, Instant.now(), false);
        assertThat(CheckpointLocator.latest(dir)).isEmpty();
    }
}
