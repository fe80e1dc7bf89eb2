package io.pgstream.jobs.testutils;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgstream.connector.testutils.PostgresExtension;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.client.cli.CliFrontend;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A real Flink session cluster for tests: a JobManager ({@link StandaloneSessionClusterEntrypoint})
 * and a TaskManager ({@link TaskManagerRunner}) in JVMs of their own, and {@code flink run} ({@link
 * CliFrontend}) in a third JVM per submission. There is no Flink distribution on the build
 * machines, so the processes are started the way Flink's {@code jobmanager.sh}, {@code
 * taskmanager.sh} and {@code flink} scripts start them: the JVM flags of {@code
 * env.java.default-opts.all} and {@code env.java.opts.*}, the heap, direct-memory and metaspace
 * limits and memory settings that the scripts compute from the configuration, {@code --configDir}
 * and {@code FLINK_CONF_DIR}.
 *
 * <p><b>Configuration:</b> a copy of the repository's {@code flink-conf/} with the {@link
 * Builder#set overrides} written into its {@code config.yaml}; free ports for the JobManager's RPC
 * and REST endpoints, checkpoints and temporary files in the cluster's own folder.
 *
 * <p><b>Classpath:</b> Flink's own jars only, standing in for a distribution's {@code lib/}: the
 * jobs module's provided scope as Maven resolves it ({@code target/flink-classpath.txt}) plus the
 * logging and commons jars a distribution bundles (which Maven puts in compile scope because
 * pgstream uses them too), plus the jars given to {@link Builder#lib}. None of pgstream's classes
 * or third-party libraries are on it: a job's code comes only from the jar it is submitted with.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final StandaloneFlinkCluster FLINK =
 *         StandaloneFlinkCluster.builder().set("execution.checkpointing.interval", "1s").build();
 * }</pre>
 *
 * <p>The processes are killed (SIGKILL) after the test class, and also when the test JVM exits;
 * when a test fails, the tail of every process's log is printed to stderr.
 */
public final class StandaloneFlinkCluster
        implements BeforeAllCallback,
                AfterAllCallback,
                TestExecutionExceptionHandler,
                LifecycleMethodExecutionExceptionHandler {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    /**
     * Jars a Flink distribution bundles (in {@code flink-dist} or {@code lib/}) that Maven gives
     * compile scope here because pgstream depends on them too, so they are not in the provided
     * classpath file.
     */
    private static final List<String> DISTRIBUTION_JARS =
            List.of(
                    "log4j-api-",
                    "log4j-core-",
                    "log4j-slf4j2-impl-",
                    "slf4j-api-",
                    "commons-compress-",
                    "commons-io-",
                    "commons-lang3-",
                    "jsr305-",
                    "snakeyaml-engine-");

    private static final int LOG_TAIL_LINES = 60;

    private final Map<String, String> overrides;
    private final Path libFolder;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Launched> processes = new ArrayList<>();

    private Path workDir;
    private Path confDir;
    private Configuration flinkConfig;
    private String classpath;
    private int restPort;
    private Thread shutdownHook;
    private boolean failed;
    private int clients;

    private StandaloneFlinkCluster(Builder b) {
        this.overrides = new LinkedHashMap<>(b.overrides);
        this.libFolder = b.libFolder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the cluster is started with. */
    public static final class Builder {
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Path libFolder;

        private Builder() {}

        /** Sets {@code key} in the cluster's {@code config.yaml} (dotted Flink key). */
        public Builder set(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /**
         * Puts every jar in {@code folder} on the cluster's classpath, as a folder inside a Flink
         * distribution's {@code lib/} would be (Flink's scripts add {@code lib/} recursively). The
         * folder must exist when the cluster starts.
         */
        public Builder lib(Path folder) {
            this.libFolder = folder;
            return this;
        }

        public StandaloneFlinkCluster build() {
            return new StandaloneFlinkCluster(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("pgstream-flink-cluster-");
        shutdownHook = new Thread(this::killAll, "kill standalone Flink cluster");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            start();
        } catch (Throwable t) {
            failed = true;
            printLogTails();
            throw t;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        killAll();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        if (workDir == null) {
            return;
        }
        if (failed) {
            System.err.println("StandaloneFlinkCluster: logs and configuration kept in " + workDir);
        } else {
            deleteRecursively(workDir);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
            throws Throwable {
        failed = true;
        printLogTails();
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t)
            throws Throwable {
        failed = true;
        printLogTails();
        throw t;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t)
            throws Throwable {
        failed = true;
        printLogTails();
        throw t;
    }

    private void start() throws Exception {
        confDir = workDir.resolve("conf");
        writeConfiguration();
        flinkConfig = GlobalConfiguration.loadConfiguration(confDir.toString());
        classpath = clusterClasspath();

        JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(flinkConfig);
        List<String> jmCommand =
                java(
                        CoreOptions.FLINK_JM_JVM_OPTIONS,
                        JobManagerProcessUtils.generateJvmParametersStr(jm, flinkConfig));
        jmCommand.add(StandaloneSessionClusterEntrypoint.class.getName());
        jmCommand.add("--configDir");
        jmCommand.add(confDir.toString());
        jmCommand.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(jm)));
        launch("jobmanager", jmCommand, Map.of());

        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(flinkConfig);
        List<String> tmCommand =
                java(
                        CoreOptions.FLINK_TM_JVM_OPTIONS,
                        ProcessMemoryUtils.generateJvmParametersStr(tm));
        tmCommand.add(TaskManagerRunner.class.getName());
        tmCommand.add("--configDir");
        tmCommand.add(confDir.toString());
        tmCommand.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(tm)));
        launch("taskmanager", tmCommand, Map.of());

        await("a TaskManager registered with the JobManager at " + restUrl())
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .failFast("a cluster process exited", this::anyClusterProcessExited)
                .until(() -> get("/overview").path("taskmanagers").asInt() >= 1);
    }

    /** The REST endpoint, e.g. {@code http://localhost:41234}. */
    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    /** The folder holding the cluster's configuration, logs and checkpoints. */
    public Path workDir() {
        return workDir;
    }

    /** The cluster's checkpoint folder ({@code execution.checkpointing.dir}). */
    public Path checkpointDir() {
        return workDir.resolve("checkpoints");
    }

    /**
     * {@code flink run -d -c mainClass jar args...} in a JVM of its own with {@code FLINK_CONF_DIR}
     * set to the cluster's configuration; blocks until the client exits (two minutes at most).
     *
     * @return the id of the submitted job
     */
    public String submit(Path jar, String mainClass, String... args)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar
                            + " does not exist: it is built in the package phase (mvn package, or"
                            + " mvn verify, which runs integration tests after package)");
        }
        List<String> command = java(CoreOptions.FLINK_CLI_JVM_OPTIONS, "");
        command.add(CliFrontend.class.getName());
        command.addAll(List.of("run", "-d", "-c", mainClass, jar.toString()));
        command.addAll(Arrays.asList(args));
        String name = "client-" + ++clients;
        Launched client = launch(name, command, Map.of("FLINK_CONF_DIR", confDir.toString()));
        if (!client.process().waitFor(2, TimeUnit.MINUTES)) {
            client.process().destroyForcibly();
            throw new IllegalStateException(
                    "flink run did not exit in 2 minutes:\n" + client.tail());
        }
        Matcher id = JOB_ID.matcher(Files.readString(client.log(), StandardCharsets.UTF_8));
        if (client.process().exitValue() != 0 || !id.find()) {
            throw new IllegalStateException(
                    "flink run failed (exit code "
                            + client.process().exitValue()
                            + "):\n"
                            + client.tail());
        }
        return id.group(1);
    }

    /** The job's state as the REST API reports it ({@code RUNNING}, {@code CANCELED}, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Cancels the job through the REST API and waits until it is {@code CANCELED}. */
    public void cancel(String jobId) throws IOException, InterruptedException {
        send(
                HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        await("job " + jobId + " canceled")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> "CANCELED".equals(jobState(jobId)));
    }

    /**
     * The failures of the job's tasks so far ({@code exceptionHistory} of the REST API), newest
     * first, each as its stack trace; empty when no task has failed.
     */
    public List<String> taskFailures(String jobId) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (JsonNode entry :
                get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            out.add(entry.path("stacktrace").asText());
        }
        return out;
    }

    /** The ids of the TaskManagers registered with the JobManager. */
    public List<String> taskManagerIds() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    /** The configuration the JobManager runs with, as {@code GET /jobmanager/config} shows it. */
    public Map<String, String> jobManagerConfig() throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode entry : get("/jobmanager/config")) {
            out.put(entry.path("key").asText(), entry.path("value").asText());
        }
        return out;
    }

    /** {@code GET path} on the REST API, parsed. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return json.readTree(send(HttpRequest.newBuilder(URI.create(restUrl() + path)).GET()));
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        request.timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    response.request().method()
                            + " "
                            + response.request().uri()
                            + ": HTTP "
                            + response.statusCode()
                            + " "
                            + response.body());
        }
        return response.body();
    }

    /** The TaskManager's log so far, line by line. */
    public List<String> taskManagerLog() throws IOException {
        return Files.readAllLines(workDir.resolve("taskmanager.log"), StandardCharsets.UTF_8);
    }

    /** The last lines of every process's log (JobManager, TaskManager, each {@code flink run}). */
    public String logTails() {
        StringBuilder out = new StringBuilder();
        for (Launched p : processes) {
            out.append("==== ")
                    .append(p.name())
                    .append(p.process().isAlive() ? " (running)" : " (exited)")
                    .append(": last ")
                    .append(LOG_TAIL_LINES)
                    .append(" lines of ")
                    .append(p.log())
                    .append('\n')
                    .append(p.tail())
                    .append('\n');
        }
        return out.toString();
    }

    private void printLogTails() {
        System.err.println(logTails());
    }

    private boolean anyClusterProcessExited() {
        return processes.stream()
                .filter(p -> !p.name().startsWith("client-"))
                .anyMatch(p -> !p.process().isAlive());
    }

    private synchronized void killAll() {
        for (Launched p : processes) {
            p.process().destroyForcibly();
        }
        for (Launched p : processes) {
            try {
                p.process().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized Launched launch(String name, List<String> command, Map<String, String> env)
            throws IOException {
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Launched launched = new Launched(name, pb.start(), log);
        processes.add(launched);
        return launched;
    }

    /**
     * {@code java} with the JVM options Flink's scripts pass: {@code env.java.default-opts.all},
     * {@code env.java.opts.all}, the role's {@code env.java.opts.*}, the given memory flags, the
     * logging configuration of {@code confDir} and the cluster classpath.
     */
    private List<String> java(
            org.apache.flink.configuration.ConfigOption<String> roleOptions, String memoryFlags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(split(flinkConfig.get(CoreOptions.FLINK_DEFAULT_JVM_OPTIONS)));
        command.addAll(split(flinkConfig.get(CoreOptions.FLINK_JVM_OPTIONS)));
        command.addAll(split(flinkConfig.get(roleOptions)));
        command.addAll(split(memoryFlags));
        command.add(
                "-Dlog4j.configurationFile=" + confDir.resolve("log4j-console.properties").toUri());
        command.add("-cp");
        command.add(classpath);
        return command;
    }

    private static List<String> split(String s) {
        if (s == null || s.isBlank()) {
            return new ArrayList<>();
        }
        return new ArrayList<>(Arrays.asList(s.trim().split("\\s+")));
    }

    /**
     * Copies {@code flink-conf/}, then writes free ports, the cluster's own checkpoint and
     * temporary folders and the overrides into {@code config.yaml}; logs at INFO for diagnosis.
     */
    private void writeConfiguration() throws IOException {
        Path source = PostgresExtension.repositoryRoot().resolve("flink-conf");
        Files.createDirectories(confDir);
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) {
                Files.copy(f, confDir.resolve(f.getFileName()));
            }
        }
        Path yamlFile = confDir.resolve("config.yaml");
        if (!Files.isRegularFile(yamlFile)) {
            throw new IllegalStateException(
                    source + " has no config.yaml, the only file Flink 2 reads its settings from");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> yaml =
                (Map<String, Object>)
                        new Load(LoadSettings.builder().build())
                                .loadFromString(Files.readString(yamlFile));
        restPort = freePort();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("jobmanager.rpc.address", "localhost");
        settings.put("jobmanager.rpc.port", String.valueOf(freePort()));
        settings.put("rest.address", "localhost");
        settings.put("rest.port", String.valueOf(restPort));
        settings.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
        settings.put("io.tmp.dirs", Files.createDirectories(workDir.resolve("tmp")).toString());
        settings.putAll(overrides);
        settings.forEach((key, value) -> setNested(yaml, key, value));
        Files.writeString(
                yamlFile,
                new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build())
                        .dumpToString(yaml));

        Path log4j = confDir.resolve("log4j-console.properties");
        Files.writeString(
                log4j,
                Files.readString(log4j)
                        .replaceAll("(?m)^rootLogger\\.level\\s*=.*$", "rootLogger.level = INFO"));
    }

    /**
     * Sets a dotted key in Flink's YAML, where {@code a.b.c} may be written nested ({@code a: b:
     * c:}) or flat, or half and half: follows the nesting that exists and adds the rest flat.
     */
    @SuppressWarnings("unchecked")
    private static void setNested(Map<String, Object> map, String key, String value) {
        Map<String, Object> current = map;
        String rest = key;
        boolean descended = true;
        while (descended) {
            descended = false;
            for (Map.Entry<String, Object> e : current.entrySet()) {
                if (rest.startsWith(e.getKey() + ".") && e.getValue() instanceof Map) {
                    current = (Map<String, Object>) e.getValue();
                    rest = rest.substring(e.getKey().length() + 1);
                    descended = true;
                    break;
                }
            }
        }
        current.put(rest, value);
    }

    private String clusterClasspath() throws IOException {
        Path file = PostgresExtension.repositoryRoot().resolve("jobs/target/flink-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(
                    file + " is missing: it is written by the jobs module's build (mvn verify)");
        }
        List<String> entries =
                new ArrayList<>(
                        Arrays.asList(Files.readString(file).trim().split(File.pathSeparator)));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (DISTRIBUTION_JARS.stream().anyMatch(name::startsWith) && name.endsWith(".jar")) {
                entries.add(entry);
            }
        }
        if (libFolder != null) {
            if (!Files.isDirectory(libFolder)) {
                throw new IllegalStateException(
                        libFolder + " does not exist: it is built in the package phase");
            }
            try (Stream<Path> jars = Files.walk(libFolder)) {
                jars.filter(p -> p.toString().endsWith(".jar"))
                        .sorted()
                        .forEach(p -> entries.add(p.toString()));
            }
        }
        for (String entry : entries) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("pgstream-") || entry.contains("target/classes")) {
                throw new IllegalStateException(
                        "pgstream's own code must not be on the cluster's classpath: " + entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One started JVM and the file its stdout and stderr go to. */
    private record Launched(String name, Process process, Path log) {
        String tail() {
            try {
                // Lenient: a crashing JVM may leave bytes that are not UTF-8.
                List<String> lines =
                        Arrays.asList(
                                new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                                        .split("\n"));
                return String.join(
                        "\n",
                        lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
            } catch (IOException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }
    }
}
