package io.pgstream.jobs.templates;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.testutils.PostgresExtension;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded jobs jar that {@code flink run} and a cluster's SQL client load: its {@code
 * META-INF/services/org.apache.flink.table.factories.Factory} lists every module's factories (the
 * shade plugin merges the modules' files; without the merge one module's file would replace the
 * other's), and a classloader over the jar alone, with Flink's jars as its parent as on a cluster,
 * finds each by the identifier users write in SQL.
 */
class JobJarFactoriesITCase {

    private static final Path ROOT = PostgresExtension.repositoryRoot();
    private static final Path JOB_JAR = ROOT.resolve("jobs/target/pgstream-jobs-flink.jar");
    private static final String SERVICES =
            "META-INF/services/org.apache.flink.table.factories.Factory";

    private static List<String> lines(String text) {
        return text.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    /** The jars of the test's class path that are not pgstream's: Flink and its dependencies. */
    private static ClassLoader flinkOnly() throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.isFile() && entry.endsWith(".jar") && !f.getName().startsWith("pgstream")) {
                urls.add(f.toURI().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theJobJarListsTheFactoriesOfEveryModule() throws Exception {
        List<String> listed;
        try (JarFile jar = new JarFile(JOB_JAR.toFile());
                InputStream in = jar.getInputStream(jar.getEntry(SERVICES))) {
            listed = lines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        List<String> declared = new ArrayList<>();
        for (String module : List.of("connector", "jobs")) {
            declared.addAll(
                    lines(
                            Files.readString(
                                    ROOT.resolve(module + "/src/main/resources/" + SERVICES))));
        }
        assertThat(declared).hasSizeGreaterThanOrEqualTo(5);
        assertThat(listed).containsAll(declared).doesNotHaveDuplicates();
        assertThat(Files.readString(ROOT.resolve("jobs/pom.xml")))
                .contains("resource.ServicesResourceTransformer");
    }

    @Test
    void aClassloaderOverTheJarFindsEachFactoryByItsIdentifier() throws Exception {
        ClassLoader flink = flinkOnly();
        assertThat(flink.getResource("io/pgstream/jobs/cli/PgstreamCli.class"))
                .as("the parent holds no pgstream class")
                .isNull();
        try (URLClassLoader job = new URLClassLoader(new URL[] {JOB_JAR.toUri().toURL()}, flink)) {
            Method discover =
                    flink.loadClass("org.apache.flink.table.factories.FactoryUtil")
                            .getMethod(
                                    "discoverFactory",
                                    ClassLoader.class,
                                    Class.class,
                                    String.class);
            String[][] expected = {
                {"DynamicTableSourceFactory", "pgstream"},
                {"DynamicTableSinkFactory", "pgvector"},
                {"DynamicTableSourceFactory", "pgvector"},
                {"DynamicTableSinkFactory", "qdrant"},
                {"ModelProviderFactory", "minilm"},
                {"ModelProviderFactory", "openai-compatible"},
            };
            for (String[] e : expected) {
                Class<?> kind = flink.loadClass("org.apache.flink.table.factories." + e[0]);
                Object factory = discover.invoke(null, job, kind, e[1]);
                assertThat(factory.getClass().getName()).as(e[1]).startsWith("io.pgstream.");
                assertThat(factory.getClass().getClassLoader()).as(e[1]).isSameAs(job);
            }
        }
    }
}
