package io.pgstream.connector.connection;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and as whom to connect to PostgreSQL, parsed once from a libpq URI ({@code
 * postgresql://user:pass@host:5432/db?sslmode=require}) or a JDBC URL ({@code
 * jdbc:postgresql://host:5432/db?user=u&password=p}).
 *
 * <p>The password is held apart from everything printable: {@link #toString()} and {@link
 * #redacted()} never contain it, and the JDBC URL built by {@link #jdbcUrl()} carries no
 * credentials (they travel in {@link #jdbcProperties()}), so a driver error quoting the URL cannot
 * leak them either.
 *
 * <p>It is over 300 lines because it parses both URL forms with their parameters and keeps the
 * password out of everything printable, in one immutable value.
 */
public final class PgConnectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** libpq parameter names that pgjdbc spells differently. */
    private static final Map<String, String> LIBPQ_TO_PGJDBC =
            Map.of(
                    "connect_timeout", "connectTimeout",
                    "application_name", "ApplicationName",
                    "target_session_attrs", "targetServerType");

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    private PgConnectionConfig(
            String host,
            int port,
            String database,
            String user,
            String password,
            Map<String, String> parameters) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses a libpq URI or a JDBC URL.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing a password)
     */
    public static PgConnectionConfig parse(String dsn) {
        if (dsn == null || dsn.isBlank()) {
            throw new IllegalArgumentException(
                    "Empty DSN: expected postgresql://user@host:port/db or"
                            + " jdbc:postgresql://host:port/db");
        }
        String rest;
        String trimmed = dsn.trim();
        if (trimmed.startsWith("postgresql://")) {
            rest = trimmed.substring("postgresql://".length());
        } else if (trimmed.startsWith("postgres://")) {
            rest = trimmed.substring("postgres://".length());
        } else if (trimmed.startsWith("jdbc:postgresql://")) {
            rest = trimmed.substring("jdbc:postgresql://".length());
        } else {
            throw new IllegalArgumentException(
                    "Unsupported DSN scheme in '"
                            + redactAuthority(trimmed)
                            + "': expected postgresql://, postgres:// or jdbc:postgresql://");
        }

        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }

        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                user = decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            } else {
                user = decode(userInfo);
            }
        }

        String host;
        int port = 5432;
        if (rest.contains(",")) {
            throw new IllegalArgumentException(
                    "DSN names several hosts ("
                            + rest
                            + "); pgstream connects to exactly one server");
        }
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("Unclosed '[' in DSN host '" + rest + "'");
            }
            host = rest.substring(1, close);
            rest = rest.substring(close + 1);
            if (rest.startsWith(":")) {
                port = parsePort(rest.substring(1));
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("Unexpected '" + rest + "' after DSN host");
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0) {
                host = decode(rest.substring(0, colon));
                port = parsePort(rest.substring(colon + 1));
            } else {
                host = decode(rest);
            }
        }
        if (host.isEmpty()) {
            host = "localhost";
        }

        Map<String, String> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
                String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
                switch (key) {
                    case "user":
                        user = value;
                        break;
                    case "password":
                        password = value;
                        break;
                    case "dbname":
                        path = value;
                        break;
                    case "host":
                        host = value;
                        break;
                    case "port":
                        port = parsePort(value);
                        break;
                    default:
                        params.put(LIBPQ_TO_PGJDBC.getOrDefault(key, key), value);
                }
            }
        }
        String database = decode(path);
        if (user == null || user.isEmpty()) {
            user = System.getProperty("user.name");
        }
        if (database.isEmpty()) {
            database = user;
        }
        return new PgConnectionConfig(host, port, database, user, password, params);
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Invalid port '" + text + "' in DSN: expected a number from 1 to 65535");
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // URLDecoder's message quotes the bad characters, which may be part of a password.
            throw new IllegalArgumentException(
                    "Malformed percent-encoding in the DSN: write % as %25 (also in passwords)");
        }
    }

    /** Replaces anything between {@code ://} and {@code @} so an unparseable DSN prints safely. */
    static String redactAuthority(String dsn) {
        int scheme = dsn.indexOf("://");
        int at = dsn.lastIndexOf('@');
        if (scheme >= 0 && at > scheme) {
            return dsn.substring(0, scheme + 3) + "***@" + dsn.substring(at + 1);
        }
        return dsn.replaceAll("(?i)password=[^&]*", "password=***");
    }

    /** Returns a copy connecting to another database of the same server. */
    public PgConnectionConfig withDatabase(String otherDatabase) {
        return new PgConnectionConfig(host, port, otherDatabase, user, password, parameters);
    }

    /** Returns a copy authenticating as another role. */
    public PgConnectionConfig withCredentials(String otherUser, String otherPassword) {
        return new PgConnectionConfig(host, port, database, otherUser, otherPassword, parameters);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** Whether a password was given (the password itself is only in {@link #jdbcProperties()}). */
    public boolean hasPassword() {
        return password != null;
    }

    /**
     * Extra connection parameters, in pgjdbc's spelling ({@code sslmode}, {@code connectTimeout}).
     */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** A JDBC URL without credentials. */
    public String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /** Driver properties: user, password and the extra parameters. */
    public Properties jdbcProperties() {
        Properties props = new Properties();
        parameters.forEach(props::setProperty);
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        return props;
    }

    /** Opens a regular (query) connection. */
    public Connection connect() throws SQLException {
        return connect(jdbcProperties());
    }

    /**
     * Opens a connection with the given driver properties ({@link #jdbcProperties()} plus any
     * more). Uses pgjdbc's driver directly, not {@code DriverManager}: {@code DriverManager} looks
     * for drivers once per JVM, on the classpath it sees first, and on a Flink cluster pgjdbc lives
     * in the job's own classloader, which it never searches ("No suitable driver found").
     */
    public Connection connect(Properties properties) throws SQLException {
        Connection c = Pgjdbc.DRIVER.connect(jdbcUrl(), properties);
        if (c == null) {
            throw new SQLException("pgjdbc does not accept the URL " + jdbcUrl());
        }
        return c;
    }

    /** The DSN as a libpq URI with the password replaced by {@code ***}. */
    public String redacted() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "postgresql://"
                + user
                + (password != null ? ":***" : "")
                + "@"
                + h
                + ":"
                + port
                + "/"
                + database;
    }

    /**
     * Deregisters the pgjdbc drivers that {@code loader} loaded. pgjdbc registers itself with
     * {@code DriverManager} (a JVM-wide list) when its class loads; on a Flink cluster that class
     * is in the job's classloader, which that registration would keep alive, with every class of
     * the job, after the job ends. Flink calls this when it releases the classloader ({@code
     * PgjdbcRelease}); drivers of any other loader (the application's, in a MiniCluster) stay.
     */
    public static void deregisterDriversOf(ClassLoader loader) {
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getClassLoader() == loader) {
                try {
                    DriverManager.deregisterDriver(d);
                } catch (SQLException | SecurityException e) {
                    // Best effort: the worst case is the leak this avoids.
                }
            }
        }
    }

    /** pgjdbc's driver, created on first connect. */
    private static final class Pgjdbc {
        static final Driver DRIVER = new org.postgresql.Driver();
    }

    @Override
    public String toString() {
        return redacted();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PgConnectionConfig)) {
            return false;
        }
        PgConnectionConfig that = (PgConnectionConfig) o;
        return port == that.port
                && host.equals(that.host)
                && database.equals(that.database)
                && user.equals(that.user)
                && Objects.equals(password, that.password)
                && parameters.equals(that.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, database, user);
    }
}
