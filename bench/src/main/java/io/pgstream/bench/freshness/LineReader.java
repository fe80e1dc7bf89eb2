package io.pgstream.bench.freshness;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A reader in another process whose stdout has one line per change or commit: {@code
 * pg_recvlogical} (test_decoding with commit timestamps) or {@code pgstream tail}. Each line that
 * carries a commit time is stamped when it is read.
 */
public final class LineReader implements ChangeReader {

    private final String name;
    private final List<String> command;
    private final LineParser parser;
    private final File log;
    private final LatencyLog latencies = new LatencyLog();
    private Process process;

    /** What a line of the reader's output says: a change seen, or nothing yet. */
    interface LineParser {
        /** Called for every line in order; records completed changes in {@code log}. */
        void line(String line, LatencyLog log);
    }

    LineReader(String name, List<String> command, LineParser parser, File log) {
        this.name = name;
        this.command = command;
        this.parser = parser;
        this.log = log;
    }

    /**
     * {@code pg_recvlogical} on a test_decoding slot with commit timestamps, to stdout: the
     * reference every freshness run reads beside the reader it measures.
     */
    public static LineReader recvLogicalReference(
            String recvlogical, PgConnectionConfig db, String slot, File log) {
        return new LineReader(
                "pg_recvlogical, commit line (reference)",
                List.of(
                        recvlogical,
                        "--dbname=host="
                                + db.host()
                                + " port="
                                + db.port()
                                + " dbname="
                                + db.database()
                                + " user="
                                + db.user(),
                        "--slot=" + slot,
                        "--start",
                        "-o",
                        "include-timestamp=on",
                        "--file=-"),
                LineParsers.testDecoding(),
                log);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(Probe probe) throws Exception {
        process =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log))
                        .start();
        Thread pump =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = in.readLine()) != null) {
                                    parser.line(line, latencies);
                                }
                            } catch (java.io.IOException e) {
                                // the process ended
                            }
                        },
                        name + " reader");
        pump.setDaemon(true);
        pump.start();
        // A JVM reader takes seconds to start: probe until one change came through.
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (latencies.seen() == 0) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " ended; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " saw no change in 3 minutes; see " + log);
            }
            probe.insert();
            latencies.awaitBeyond(0, Duration.ofSeconds(2));
        }
    }

    @Override
    public Latencies await(int expected) throws Exception {
        return latencies.await(name, expected, Duration.ofMinutes(2));
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
