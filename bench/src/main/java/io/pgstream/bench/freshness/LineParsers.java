package io.pgstream.bench.freshness;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the line readers' outputs say that a change was committed, and when. */
final class LineParsers {

    private LineParsers() {}

    private static final Pattern COMMIT_TIME = Pattern.compile("\"commit_time\":\"([^\"]+)\"");

    /** {@code pgstream tail}: one JSON object per change, with its {@code commit_time}. */
    static LineReader.LineParser tailJson() {
        return (line, log) -> {
            if (!line.startsWith("{\"op\":\"insert\"")) {
                return;
            }
            Matcher m = COMMIT_TIME.matcher(line);
            if (m.find()) {
                log.seen(
                        Instant.parse(m.group(1)),
                        line.contains("\"body\":\"" + LatencyLog.MEASURED));
            }
        };
    }

    private static final DateTimeFormatter PG_TIMESTAMP =
            new DateTimeFormatterBuilder()
                    .appendPattern("yyyy-MM-dd HH:mm:ss")
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .appendPattern("[XXX][X]")
                    .toFormatter();

    private static final Pattern COMMIT_AT = Pattern.compile("^COMMIT \\d+ \\(at (.+)\\)$");

    /**
     * {@code pg_recvlogical} with test_decoding and {@code include-timestamp}: the inserts' lines,
     * then {@code COMMIT xid (at timestamp)}; every insert of the transaction is seen at its commit
     * line.
     */
    static LineReader.LineParser testDecoding() {
        int[] inserts = new int[2]; // [0]: measured, [1]: not measured
        return (line, log) -> {
            if (line.startsWith("BEGIN")) {
                inserts[0] = 0;
                inserts[1] = 0;
            } else if (line.contains(": INSERT: ")) {
                inserts[line.contains("body[text]:'" + LatencyLog.MEASURED) ? 0 : 1]++;
            } else {
                Matcher m = COMMIT_AT.matcher(line);
                if (m.matches()) {
                    Instant commit = OffsetDateTime.parse(m.group(1), PG_TIMESTAMP).toInstant();
                    for (int i = 0; i < inserts[0]; i++) {
                        log.seen(commit, true);
                    }
                    for (int i = 0; i < inserts[1]; i++) {
                        log.seen(commit, false);
                    }
                }
            }
        };
    }
}
