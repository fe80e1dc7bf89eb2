package io.pgstream.jobs.templates;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.StartupMode;
import java.io.Serializable;
import java.util.Locale;

/**
 * A startup mode as users write it, in a job file ({@code source.startup-mode}) or on the command
 * line ({@code --startup-mode}): {@code initial}, {@code latest}, {@code snapshot-only} (or {@code
 * snapshot_only}), or {@code lsn:X/Y}. One parser, so both places accept and refuse the same text.
 *
 * @param mode the mode
 * @param lsn the position for {@link StartupMode#LSN}, else null
 */
public record StartupChoice(StartupMode mode, Lsn lsn) implements Serializable {

    /** The allowed forms, for error messages. */
    public static final String ALLOWED = "initial, latest, snapshot-only, lsn:X/Y";

    /**
     * @throws IllegalArgumentException saying what is allowed
     */
    public static StartupChoice parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("lsn:")) {
            try {
                return new StartupChoice(
                        StartupMode.LSN, Lsn.parse(t.substring(4).trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not lsn:X/Y (hex), e.g. lsn:0/16B3748");
            }
        }
        StartupMode mode =
                switch (t) {
                    case "initial" -> StartupMode.INITIAL;
                    case "latest" -> StartupMode.LATEST;
                    case "snapshot-only", "snapshot_only" -> StartupMode.SNAPSHOT_ONLY;
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown value '" + text + "'; allowed: " + ALLOWED);
                };
        return new StartupChoice(mode, null);
    }
}
