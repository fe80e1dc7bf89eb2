package io.pgstream.jobs.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the newest completed checkpoint under a checkpoint directory, so that {@code pgstream sync}
 * resumes where it stopped, after a crash or a SIGKILL too. Flink writes {@code
 * <dir>/<job-id>/chk-<n>/_metadata} last, once a checkpoint is complete, so a {@code chk-} folder
 * without it (a checkpoint cut off by the kill) is ignored.
 */
public final class CheckpointLocator {

    private CheckpointLocator() {}

    /** The newest completed checkpoint's folder, if there is one. */
    public static Optional<Path> latest(Path checkpointDir) {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(checkpointDir)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(CheckpointLocator::completed)
                    .max(Comparator.comparing(CheckpointLocator::completedAt))
                    .map(metadata -> metadata.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + checkpointDir, e);
        }
    }

    private static Stream<Path> completed(Path jobDir) {
        try (Stream<Path> children = Files.list(jobDir)) {
            return children
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .map(p -> p.resolve("_metadata"))
                    .filter(Files::isRegularFile)
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + jobDir, e);
        }
    }

    private static FileTime completedAt(Path metadata) {
        try {
            return Files.getLastModifiedTime(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
