package io.pgstream.jobs.cli;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * {@code --dsn}, shared by every command that talks to PostgreSQL.
 *
 * <p>The default comes from {@code PGSTREAM_DSN} so a password need not appear on the command line
 * (where {@code ps} shows it); the default is never printed in {@code --help} for the same reason.
 */
final class ConnectionOptions {

    @Option(
            names = "--dsn",
            paramLabel = "<dsn>",
            defaultValue = "${env:PGSTREAM_DSN}",
            showDefaultValue = Visibility.NEVER,
            description =
                    "PostgreSQL to connect to: postgresql://user:password@host:port/db or"
                            + " jdbc:postgresql://host:port/db?user=..; default: $PGSTREAM_DSN")
    String dsn;

    /**
     * The parsed DSN.
     *
     * @throws IllegalArgumentException when none was given or it does not parse (never quoting a
     *     password)
     */
    PgConnectionConfig config() {
        if (dsn == null || dsn.isBlank()) {
            throw new IllegalArgumentException(
                    "no DSN: pass --dsn postgresql://user@host:port/db or set PGSTREAM_DSN");
        }
        return PgConnectionConfig.parse(dsn);
    }

    /**
     * Text that must never reach the terminal: the password and the raw DSN holding it (a DSN
     * without a password is harmless and stays readable).
     */
    List<String> secrets() {
        return secretsOf(dsn);
    }

    /** {@link #secrets()} of any DSN, or of a text that may be one. */
    static List<String> secretsOf(String dsn) {
        List<String> secrets = new ArrayList<>();
        if (dsn == null || dsn.isBlank()) {
            return secrets;
        }
        try {
            String password =
                    PgConnectionConfig.parse(dsn).jdbcProperties().getProperty("password");
            if (password != null && !password.isEmpty()) {
                secrets.add(dsn.strip());
                secrets.add(password);
            }
        } catch (IllegalArgumentException unparseable) {
            // It may still hold a password somewhere: never print it whole.
            secrets.add(dsn.strip());
        }
        return secrets;
    }
}
