package io.pgstream.connector.table;

import static io.pgstream.connector.table.PostgresConnectorOptions.CHANGELOG_MODE;
import static io.pgstream.connector.table.PostgresConnectorOptions.DATABASE_NAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.DECODING_PLUGIN_NAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.HEARTBEAT_INTERVAL;
import static io.pgstream.connector.table.PostgresConnectorOptions.HOSTNAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.PASSWORD;
import static io.pgstream.connector.table.PostgresConnectorOptions.PORT;
import static io.pgstream.connector.table.PostgresConnectorOptions.PUBLICATION_NAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.SCAN_SNAPSHOT_CHUNK_SIZE;
import static io.pgstream.connector.table.PostgresConnectorOptions.SCAN_STARTUP_LSN;
import static io.pgstream.connector.table.PostgresConnectorOptions.SCAN_STARTUP_MODE;
import static io.pgstream.connector.table.PostgresConnectorOptions.SCHEMA_NAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.SLOT_NAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.TABLE_NAME;
import static io.pgstream.connector.table.PostgresConnectorOptions.URL;
import static io.pgstream.connector.table.PostgresConnectorOptions.USERNAME;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.ReplicationSpec;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.table.PostgresConnectorOptions.ChangelogModeOption;
import io.pgstream.connector.table.PostgresConnectorOptions.ScanStartupMode;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/**
 * The validated options of one {@code pgstream} table: built once by {@link #from} (which reports
 * every bad option by its key), then carried by the table source into the DataStream source.
 *
 * @param startupLsn the position for {@link StartupMode#LSN}, otherwise null
 */
public record PostgresTableConfig(
        PgConnectionConfig connection,
        TableId table,
        String slotName,
        String publicationName,
        StartupMode startupMode,
        Lsn startupLsn,
        int snapshotChunkRows,
        Duration heartbeatInterval,
        ChangelogModeOption changelogMode)
        implements Serializable {

    public PostgresTableConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(slotName, "slotName");
        Objects.requireNonNull(publicationName, "publicationName");
        Objects.requireNonNull(startupMode, "startupMode");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(changelogMode, "changelogMode");
    }

    /**
     * Reads and checks the options; no I/O.
     *
     * @throws ValidationException naming the option, the bad value (never a password) and what is
     *     allowed
     */
    public static PostgresTableConfig from(ReadableConfig options) {
        if (!"pgoutput".equals(options.get(DECODING_PLUGIN_NAME))) {
            throw new ValidationException(
                    "Invalid value '"
                            + options.get(DECODING_PLUGIN_NAME)
                            + "' for option '"
                            + DECODING_PLUGIN_NAME.key()
                            + "'. Allowed values: pgoutput");
        }
        PgConnectionConfig connection = connection(options);
        TableId table;
        try {
            table = new TableId(options.get(SCHEMA_NAME), options.get(TABLE_NAME));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Options '"
                            + SCHEMA_NAME.key()
                            + "' and '"
                            + TABLE_NAME.key()
                            + "' must not be empty");
        }
        String slot = options.get(SLOT_NAME);
        String publication = options.getOptional(PUBLICATION_NAME).orElse(slot + "_pub");
        try {
            new ReplicationSpec(slot, publication, List.of(table));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Invalid '"
                            + SLOT_NAME.key()
                            + "' or '"
                            + PUBLICATION_NAME.key()
                            + "': "
                            + e.getMessage());
        }
        StartupMode startupMode;
        Lsn startupLsn = null;
        ScanStartupMode scanMode =
                parse(() -> ScanStartupMode.parse(options.get(SCAN_STARTUP_MODE)));
        switch (scanMode) {
            case INITIAL:
                startupMode = StartupMode.INITIAL;
                break;
            case SNAPSHOT:
                startupMode = StartupMode.SNAPSHOT_ONLY;
                break;
            case LSN:
                startupMode = StartupMode.LSN;
                String text =
                        options.getOptional(SCAN_STARTUP_LSN)
                                .orElseThrow(
                                        () ->
                                                new ValidationException(
                                                        "Option '"
                                                                + SCAN_STARTUP_MODE.key()
                                                                + "' = 'lsn' needs '"
                                                                + SCAN_STARTUP_LSN.key()
                                                                + "' (a position X/Y)"));
                try {
                    startupLsn = Lsn.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new ValidationException(
                            "Invalid value for option '"
                                    + SCAN_STARTUP_LSN.key()
                                    + "': "
                                    + e.getMessage());
                }
                break;
            default:
                startupMode = StartupMode.LATEST;
        }
        if (startupLsn == null && options.getOptional(SCAN_STARTUP_LSN).isPresent()) {
            throw new ValidationException(
                    "Option '"
                            + SCAN_STARTUP_LSN.key()
                            + "' is used only with '"
                            + SCAN_STARTUP_MODE.key()
                            + "' = 'lsn'");
        }
        int chunk = options.get(SCAN_SNAPSHOT_CHUNK_SIZE);
        if (chunk <= 0) {
            throw new ValidationException(
                    "Option '"
                            + SCAN_SNAPSHOT_CHUNK_SIZE.key()
                            + "' must be positive, got "
                            + chunk);
        }
        Duration heartbeat = options.get(HEARTBEAT_INTERVAL);
        if (heartbeat.isNegative()) {
            throw new ValidationException(
                    "Option '" + HEARTBEAT_INTERVAL.key() + "' must not be negative");
        }
        ChangelogModeOption mode =
                parse(() -> ChangelogModeOption.parse(options.get(CHANGELOG_MODE)));
        return new PostgresTableConfig(
                connection,
                table,
                slot,
                publication,
                startupMode,
                startupLsn,
                chunk,
                heartbeat,
                mode);
    }

    private static <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    private static PgConnectionConfig connection(ReadableConfig options) {
        boolean hasUrl = options.getOptional(URL).isPresent();
        boolean hasHost = options.getOptional(HOSTNAME).isPresent();
        PgConnectionConfig config;
        if (hasUrl && (hasHost || options.getOptional(DATABASE_NAME).isPresent())) {
            throw new ValidationException(
                    "Give either '"
                            + URL.key()
                            + "' or '"
                            + HOSTNAME.key()
                            + "' with '"
                            + DATABASE_NAME.key()
                            + "', not both");
        }
        if (hasUrl) {
            try {
                config = PgConnectionConfig.parse(options.get(URL));
            } catch (IllegalArgumentException e) {
                throw new ValidationException(
                        "Invalid value for option '" + URL.key() + "': " + e.getMessage());
            }
        } else if (hasHost) {
            String database =
                    options.getOptional(DATABASE_NAME)
                            .orElseThrow(
                                    () ->
                                            new ValidationException(
                                                    "Option '"
                                                            + DATABASE_NAME.key()
                                                            + "' is required with '"
                                                            + HOSTNAME.key()
                                                            + "'"));
            String host = options.get(HOSTNAME);
            if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            try {
                config =
                        PgConnectionConfig.parse(
                                "postgresql://"
                                        + host
                                        + ":"
                                        + options.get(PORT)
                                        + "/"
                                        + URLEncoder.encode(database, StandardCharsets.UTF_8)
                                                .replace("+", "%20"));
            } catch (IllegalArgumentException e) {
                throw new ValidationException(
                        "Invalid '"
                                + HOSTNAME.key()
                                + "', '"
                                + PORT.key()
                                + "' or '"
                                + DATABASE_NAME.key()
                                + "': "
                                + e.getMessage());
            }
        } else {
            throw new ValidationException(
                    "Missing connection options: set '"
                            + URL.key()
                            + "', or '"
                            + HOSTNAME.key()
                            + "' (with '"
                            + PORT.key()
                            + "' and '"
                            + DATABASE_NAME.key()
                            + "')");
        }
        if (options.getOptional(USERNAME).isPresent()
                || options.getOptional(PASSWORD).isPresent()) {
            config =
                    config.withCredentials(
                            options.getOptional(USERNAME).orElse(config.user()),
                            options.getOptional(PASSWORD).orElse(null));
        }
        return config;
    }

    /** Printable form: the connection without its password. */
    @Override
    public String toString() {
        return "PostgresTableConfig{"
                + connection.redacted()
                + ", table="
                + table
                + ", slot="
                + slotName
                + ", publication="
                + publicationName
                + ", startup="
                + startupMode
                + (startupLsn == null ? "" : "@" + startupLsn)
                + ", chunk="
                + snapshotChunkRows
                + ", heartbeat="
                + heartbeatInterval
                + ", changelog="
                + changelogMode.value()
                + "}";
    }
}
