package io.pgstream.jobs.cli;

import io.pgstream.connector.testutils.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test database's DSN and a job file on it, as the CLI ITCases hand them to {@code pgstream}:
 * the DSN without a password (the tests' server trusts local clients), one table of {@code public}
 * on its own slot.
 */
public final class CliJobFile {
    private CliJobFile() {}

    /** {@code postgresql://user@host:port/database} of the test database. */
    public static String dsn(PostgresExtension pg) {
        var c = pg.config();
        return "postgresql://" + c.user() + "@" + c.host() + ":" + c.port() + "/" + c.database();
    }

    /**
     * Writes {@code dir/<slot>.yaml} for {@code public.<table>}.
     *
     * @param embedding the lines of the {@code embedding:} section, indented
     * @param sink the lines of the {@code sink:} section, indented
     */
    static Path write(
            Path dir,
            PostgresExtension pg,
            String table,
            String slot,
            String embedding,
            String sink,
            String checkpointDir)
            throws Exception {
        Path config = dir.resolve(slot + ".yaml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "source:",
                        "  dsn: '" + dsn(pg) + "'",
                        "  tables: [public." + table + "]",
                        "  slot: " + slot,
                        "embedding:",
                        embedding,
                        "sink:",
                        sink,
                        "checkpoint:",
                        "  dir: '" + checkpointDir + "'",
                        ""));
        return config;
    }

    /** The first lines of a job file: the {@code source:} section's DSN, one table and its slot. */
    public static String source(PostgresExtension pg, String table, String slot) {
        return String.join(
                "\n",
                "source:",
                "  dsn: '" + dsn(pg) + "'",
                "  tables: [" + table + "]",
                "  slot: " + slot);
    }

    /** Writes {@code text} to {@code file} and returns the file. */
    public static Path write(Path file, String text) throws Exception {
        Files.writeString(file, text);
        return file;
    }
}
