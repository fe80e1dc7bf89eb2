package io.pgstream.connector.connection;

import org.apache.flink.util.UserCodeClassLoader;

/**
 * Registers, once per job classloader, the hook that deregisters pgjdbc from {@code DriverManager}
 * when Flink releases that classloader (see {@link PgConnectionConfig#deregisterDriversOf}). Every
 * operator that opens PostgreSQL connections (source readers, the pgvector and dead-letter writers)
 * calls it; the first call wins.
 */
public final class PgjdbcRelease {

    private static final String HOOK = "pgstream-deregister-pgjdbc";

    private PgjdbcRelease() {}

    public static void registerWith(UserCodeClassLoader classLoader) {
        ClassLoader loader = classLoader.asClassLoader();
        classLoader.registerReleaseHookIfAbsent(
                HOOK, () -> PgConnectionConfig.deregisterDriversOf(loader));
    }
}
