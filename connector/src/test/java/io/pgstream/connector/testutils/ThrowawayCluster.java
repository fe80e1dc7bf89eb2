package io.pgstream.connector.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second PostgreSQL cluster from {@code bin/pg-local} on its own port and data directory, for
 * tests that must change server settings (and so must never touch the shared test server).
 */
public final class ThrowawayCluster {

    private final Map<String, String> env;

    /**
     * @param name folds into the data directory, so each test class has its own
     */
    public ThrowawayCluster(int port, String name) {
        this.env =
                Map.of(
                        "PGSTREAM_PG_PORT",
                        Integer.toString(port),
                        "PGSTREAM_PG_DIR",
                        "/var/tmp/pgstream/pg-" + port + "-" + name);
    }

    /** Runs {@code bin/pg-local <command>} for this cluster; returns its stdout, trimmed. */
    public String pgLocal(String command) throws IOException, InterruptedException {
        Path script = PostgresExtension.repositoryRoot().resolve("bin/pg-local");
        ProcessBuilder pb =
                new ProcessBuilder(script.toString(), command)
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("bin/pg-local " + command).isZero();
        return out;
    }

    /** Destroys any leftover, starts a fresh cluster and returns its superuser connection. */
    public PgConnectionConfig startFresh() throws IOException, InterruptedException {
        pgLocal("destroy");
        String dsn = pgLocal("start");
        return PgConnectionConfig.parse(dsn.lines().reduce((a, b) -> b).orElseThrow());
    }
}
