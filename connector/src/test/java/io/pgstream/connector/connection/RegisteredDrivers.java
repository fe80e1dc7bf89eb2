package io.pgstream.connector.connection;

import java.sql.Driver;
import java.sql.DriverManager;
import java.util.Collections;

/**
 * Loaded into a test's own classloader: {@code DriverManager} shows a caller only the drivers its
 * classloader can see, so asking about another loader's drivers must run in that loader.
 */
public final class RegisteredDrivers {

    private RegisteredDrivers() {}

    public static boolean pgjdbc() {
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getName().equals("org.postgresql.Driver")) {
                return true;
            }
        }
        return false;
    }
}
