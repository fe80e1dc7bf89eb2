package io.pgstream.jobs.cli;

import io.pgstream.jobs.templates.JobConfigException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Makes a checkpoint folder ({@code checkpoint.dir} of {@code sync}, {@code --checkpoint-dir} of
 * {@code sql}) exist and proves it writable before a job starts, so a bad folder is one line saying
 * what failed and which setting to change, rather than a bare path from {@link
 * Files#createDirectories} or a job whose every checkpoint fails.
 */
final class CheckpointDirectory {

    private CheckpointDirectory() {}

    /** {@link #prepare(String, String, String)} for the job file's {@code checkpoint.dir}. */
    static Path prepare(String configured) {
        return prepare(configured, "checkpoint.dir", "set checkpoint.dir in the job file");
    }

    /**
     * Creates the folder (and its parents) when missing and writes and deletes a probe file in it.
     *
     * @param setting the key or option the folder came from, first in every message
     * @param fix how to give another folder, such as {@code pass --checkpoint-dir}
     * @return the folder as an absolute path
     * @throws JobConfigException naming the folder, what failed and the setting to change
     */
    static Path prepare(String configured, String setting, String fix) {
        Function<String, JobConfigException> problem =
                what ->
                        new JobConfigException(
                                setting
                                        + ": "
                                        + what
                                        + "; "
                                        + fix
                                        + " to a folder pgstream can write");
        Path dir = Path.of(configured).toAbsolutePath();
        Path existing = nearestExisting(dir);
        if (existing != null && !Files.isDirectory(existing)) {
            throw problem.apply(
                    existing.equals(dir)
                            ? dir + " exists and is not a directory"
                            : "cannot create "
                                    + dir
                                    + ": "
                                    + existing
                                    + " is a file, not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw problem.apply("cannot create " + dir + ": " + reason(e));
        }
        try {
            Files.delete(Files.createTempFile(dir, ".pgstream-write-check", ""));
        } catch (IOException e) {
            throw problem.apply(dir + " is not writable: " + reason(e));
        }
        return dir;
    }

    /** {@code dir} or its closest ancestor that exists; null when none does. */
    private static Path nearestExisting(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied on " + a.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT)
                    + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
