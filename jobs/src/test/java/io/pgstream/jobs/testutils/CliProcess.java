package io.pgstream.jobs.testutils;

import io.pgstream.jobs.cli.PgstreamCli;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pgstream} as users run it, in a JVM of its own: on this test's class path and with the
 * module flags the test JVM was given (Flink needs its {@code --add-opens}), so a test can bound
 * its heap or kill it with SIGKILL mid-stream.
 */
public final class CliProcess {
    private CliProcess() {}

    /**
     * Starts {@code pgstream args} in {@code dir}, stdout and stderr appended to {@code log}.
     *
     * @param maxHeap the child's {@code -Xmx}, such as {@code 768m}
     */
    public static Process startLogged(Path dir, Path log, String maxHeap, String... args)
            throws IOException {
        return new ProcessBuilder(command(maxHeap, args))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * Starts {@code pgstream args} in {@code dir}, stdout to {@code out}, stderr to {@code err}.
     */
    public static Process start(Path dir, Path out, Path err, String maxHeap, String... args)
            throws IOException {
        return start(dir, out, err, Map.of(), maxHeap, args);
    }

    /**
     * {@link #start(Path, Path, Path, String, String...)} with {@code env} added to this JVM's
     * environment, as a user's {@code export NAME=...} does.
     */
    public static Process start(
            Path dir, Path out, Path err, Map<String, String> env, String maxHeap, String... args)
            throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command(maxHeap, args))
                        .directory(dir.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * The last {@code count} lines of {@code log}, for failure messages; none while it is missing.
     */
    public static String tail(Path log, int count) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(
                    "\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static List<String> command(String maxHeap, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
                command.add(arg);
            }
        }
        command.add("-Xmx" + maxHeap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PgstreamCli.class.getName());
        command.addAll(List.of(args));
        return command;
    }
}
