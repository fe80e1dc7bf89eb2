package io.pgstream.connector.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.PostgresExtension;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 1,000,000-row transaction through a whole Flink job (JobManager, TaskManager and all) in a JVM
 * whose heap is 512 MiB: the transaction must spill to disk rather than sit in memory, and still
 * arrive whole and in order.
 */
class LargeTransactionITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @Test
    void aMillionRowTransactionPassesThroughA512MiBHeap() throws Exception {
        String slot = "large_" + PG.config().database();
        PG.execute(
                "CREATE TABLE big (id bigint PRIMARY KEY, payload text)",
                "CREATE PUBLICATION big_pub FOR TABLE big",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
                "INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 1000000) g");

        List<String> command = new ArrayList<>();
        command.add(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-")) {
                command.add(arg);
            }
        }
        command.add("-Xmx512m");
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LargeTransactionJob.class.getName());
        command.add(dsn());
        command.add(slot);
        command.add("big_pub");
        Process child =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).contains("count=1000000 ordered=true");
        long maxHeap = Long.parseLong(out.replaceAll("(?s).*maxHeap=(\\d+).*", "$1"));
        assertThat(maxHeap).isLessThanOrEqualTo(512L << 20);
    }

    private static String dsn() {
        var c = PG.config();
        return "postgresql://" + c.user() + "@" + c.host() + ":" + c.port() + "/" + c.database();
    }
}
