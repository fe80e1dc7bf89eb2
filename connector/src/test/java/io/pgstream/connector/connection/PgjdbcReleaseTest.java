package io.pgstream.connector.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/**
 * pgjdbc, loaded by a job's classloader, registers itself with the JVM-wide {@code DriverManager};
 * releasing that classloader must deregister it (else the job's classes stay in memory), and must
 * leave the drivers of other classloaders alone.
 */
class PgjdbcReleaseTest {

    private static URL locationOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void releasingAJobClassloaderDeregistersOnlyItsDriver() throws Exception {
        URL[] jobJar = {
            locationOf(org.postgresql.Driver.class),
            locationOf(PgConnectionConfig.class),
            locationOf(RegisteredDrivers.class)
        };
        try (URLClassLoader job =
                new URLClassLoader(jobJar, ClassLoader.getPlatformClassLoader())) {
            Class.forName("org.postgresql.Driver", true, job); // registers itself
            Class<?> probe = job.loadClass(RegisteredDrivers.class.getName());
            assertThat(probe.getMethod("pgjdbc").invoke(null)).isEqualTo(true);

            job.loadClass(PgConnectionConfig.class.getName())
                    .getMethod("deregisterDriversOf", ClassLoader.class)
                    .invoke(null, job);

            assertThat(probe.getMethod("pgjdbc").invoke(null))
                    .as("the job's pgjdbc is no longer registered")
                    .isEqualTo(false);
        }
        assertThat(DriverManager.getDriver("jdbc:postgresql://host/db"))
                .as("the application's own pgjdbc stays")
                .isNotNull();
    }
}
