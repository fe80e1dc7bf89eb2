package io.pgstream.bench.decoder;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs PostgreSQL's own {@code pg_recvlogical} as the reference reader of a pgoutput slot. */
public final class PgRecvLogical {

    private PgRecvLogical() {}

    /** Drains {@code slot} up to {@code end} into /dev/null; returns the wall time in seconds. */
    public static double drain(String binary, PgConnectionConfig db, String slot, Lsn end)
            throws IOException, InterruptedException {
        return drain(binary, db, slot, end, List.of("proto_version=1"));
    }

    /** As {@link #drain(String, PgConnectionConfig, String, Lsn)}, with these pgoutput options. */
    public static double drain(
            String binary, PgConnectionConfig db, String slot, Lsn end, List<String> options)
            throws IOException, InterruptedException {
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                binary,
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
                                "--endpos=" + end,
                                "--no-loop",
                                "-o",
                                "publication_names=bench",
                                "--file=/dev/null"));
        for (String option : options) {
            command.add("-o");
            command.add(option);
        }
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        if (db.hasPassword()) {
            throw new IllegalArgumentException(
                    "Use a DSN without password for the benchmark (pg-local trusts loopback)");
        }
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("pg_recvlogical failed with exit code " + p.exitValue());
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
