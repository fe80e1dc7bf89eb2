package io.pgstream.jobs.cli;

import io.pgstream.jobs.templates.CheckpointLocator;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.table.api.TableConfig;

/**
 * Restarts for {@code pgstream sql --checkpoint-dir}: each {@code INSERT} checkpoints into a folder
 * of its own, kept when the job is cancelled or killed, and a rerun of the same script resumes each
 * {@code INSERT} from the newest completed checkpoint in its folder, as {@code sync} does.
 *
 * <p>The folder is named after the statement's place among the script's {@code INSERT}s and a hash
 * of its text (comments and layout left out, {@code ${NAME}} not expanded): editing the query
 * starts it fresh, instead of restoring state that belongs to another plan; rotating a password
 * does not.
 */
final class SqlCheckpoints {

    private final Path dir;
    private int inserts;

    SqlCheckpoints(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code statement} submits a job that writes (and so needs restarts). */
    static boolean isInsert(SqlScript.Statement statement) {
        String s = statement.normalized().toUpperCase(Locale.ROOT);
        return s.startsWith("INSERT ") || s.startsWith("EXECUTE ");
    }

    /** The folder the {@code ordinal}-th (from 1) {@code INSERT} of a script checkpoints into. */
    Path folderOf(SqlScript.Statement insert, int ordinal) {
        return dir.resolve("insert-" + ordinal + "-" + hash(insert.normalized()));
    }

    /**
     * Points the next job of {@code tables} at the checkpoint folder of {@code statement} when it
     * is an {@code INSERT}, resuming from its newest completed checkpoint; any other statement runs
     * without either, so a query never restores an {@code INSERT}'s state.
     */
    void configure(TableConfig tables, SqlScript.Statement statement, PrintWriter err) {
        Configuration conf = tables.getConfiguration();
        conf.removeConfig(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        conf.removeConfig(StateRecoveryOptions.SAVEPOINT_PATH);
        if (!isInsert(statement)) {
            return;
        }
        Path folder = folderOf(statement, ++inserts);
        tables.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, folder.toUri().toString());
        tables.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        tables.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        Optional<Path> resume = CheckpointLocator.latest(folder);
        if (resume.isPresent()) {
            tables.set(StateRecoveryOptions.SAVEPOINT_PATH, resume.get().toUri().toString());
            err.println("pgstream: resuming from checkpoint " + resume.get());
        } else {
            err.println("pgstream: no checkpoint in " + folder + "; starting fresh");
        }
        err.flush();
    }

    private static String hash(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
