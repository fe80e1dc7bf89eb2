package io.pgstream.connector.table;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the {@code pgstream} SQL connector, declared once.
 *
 * <p>Where Flink CDC's {@code postgres-cdc} connector has an option with the same meaning, the key
 * (and for enumerations the value) is the same, so a table switches connectors by changing {@code
 * 'connector' = 'postgres-cdc'} to {@code 'pgstream'}. The enumerated options are strings parsed by
 * {@link ScanStartupMode#parse} and {@link ChangelogModeOption#parse}, so that a wrong value is
 * reported with the option's key and every allowed value.
 */
public final class PostgresConnectorOptions {
    private PostgresConnectorOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The server as a libpq URI (postgresql://user@host:5432/db) or JDBC"
                                    + " URL; instead of hostname/port/database-name. Put the"
                                    + " password in 'password', which Flink masks in messages.");

    public static final ConfigOption<String> HOSTNAME =
            ConfigOptions.key("hostname")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Host of the PostgreSQL server (or give 'url').");

    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("port")
                    .intType()
                    .defaultValue(5432)
                    .withDescription("Port of the PostgreSQL server.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Role to connect as; needs REPLICATION (or a publication and slot an"
                                    + " administrator made). Overrides a user in 'url'.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of 'username'. Never logged or printed.");

    public static final ConfigOption<String> DATABASE_NAME =
            ConfigOptions.key("database-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Database to read (with 'hostname').");

    public static final ConfigOption<String> SCHEMA_NAME =
            ConfigOptions.key("schema-name")
                    .stringType()
                    .defaultValue("public")
                    .withDescription("Schema of the table, exactly as stored (no case folding).");

    public static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The table to read, exactly as stored (no case folding, no patterns).");

    public static final ConfigOption<String> SLOT_NAME =
            ConfigOptions.key("slot.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Logical replication slot; created when missing. A slot has one"
                                    + " consumer: give every table source its own.");

    public static final ConfigOption<String> PUBLICATION_NAME =
            ConfigOptions.key("publication.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Publication naming the table; created when missing, used as it is"
                                    + " when it exists. Default: the slot name followed by _pub.");

    public static final ConfigOption<String> DECODING_PLUGIN_NAME =
            ConfigOptions.key("decoding.plugin.name")
                    .stringType()
                    .defaultValue("pgoutput")
                    .withDescription("Logical decoding plugin; only pgoutput is supported.");

    public static final ConfigOption<String> SCAN_STARTUP_MODE =
            ConfigOptions.key("scan.startup.mode")
                    .stringType()
                    .defaultValue(ScanStartupMode.INITIAL.value)
                    .withDescription(
                            "initial: existing rows as INSERT, then changes; snapshot: existing"
                                    + " rows, then finish; latest-offset or committed-offset:"
                                    + " changes from the slot's position (a new slot starts at the"
                                    + " current WAL end); lsn: changes committed from"
                                    + " 'scan.startup.lsn' on.");

    public static final ConfigOption<String> SCAN_STARTUP_LSN =
            ConfigOptions.key("scan.startup.lsn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "With scan.startup.mode lsn: the position X/Y to stream from; not"
                                    + " before the slot's confirmed position.");

    public static final ConfigOption<Integer> SCAN_SNAPSHOT_CHUNK_SIZE =
            ConfigOptions.key("scan.incremental.snapshot.chunk.size")
                    .intType()
                    .defaultValue(8192)
                    .withDescription("Rows per snapshot chunk (one query, one split).");

    public static final ConfigOption<String> CHANGELOG_MODE =
            ConfigOptions.key("changelog-mode")
                    .stringType()
                    .defaultValue(ChangelogModeOption.ALL.value)
                    .withDescription(
                            "all: INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE (needs REPLICA"
                                    + " IDENTITY FULL); upsert: keyed by the declared PRIMARY KEY,"
                                    + " no UPDATE_BEFORE.");

    public static final ConfigOption<Duration> HEARTBEAT_INTERVAL =
            ConfigOptions.key("heartbeat.interval")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "When positive, a heartbeat message at this interval keeps an idle"
                                    + " database's slot moving.");

    /**
     * Values of {@link #SCAN_STARTUP_MODE}, spelled as Flink CDC's {@code postgres-cdc} spells them
     * (a contract of the SQL connector). Only {@code PostgresTableConfig} reads it, and maps it
     * onto the source's {@link io.pgstream.connector.source.StartupMode} ({@code latest-offset} and
     * {@code committed-offset} both mean {@code LATEST}: stream from the slot's position).
     */
    public enum ScanStartupMode {
        INITIAL("initial"),
        SNAPSHOT("snapshot"),
        LATEST_OFFSET("latest-offset"),
        COMMITTED_OFFSET("committed-offset"),
        LSN("lsn");

        private final String value;

        ScanStartupMode(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        /** Parses a value case-insensitively; throws naming the option and the allowed values. */
        public static ScanStartupMode parse(String text) {
            return parseEnum(SCAN_STARTUP_MODE, text, values(), ScanStartupMode::value);
        }
    }

    /** Values of {@link #CHANGELOG_MODE}. */
    public enum ChangelogModeOption {
        ALL("all"),
        UPSERT("upsert");

        private final String value;

        ChangelogModeOption(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        /** Parses a value case-insensitively; throws naming the option and the allowed values. */
        public static ChangelogModeOption parse(String text) {
            return parseEnum(CHANGELOG_MODE, text, values(), ChangelogModeOption::value);
        }
    }

    private static <E extends Enum<E>> E parseEnum(
            ConfigOption<String> option,
            String text,
            E[] values,
            java.util.function.Function<E, String> valueOf) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (E e : values) {
            if (valueOf.apply(e).equals(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException(
                "Invalid value '"
                        + text
                        + "' for option '"
                        + option.key()
                        + "'. Allowed values: "
                        + Arrays.stream(values).map(valueOf).collect(Collectors.joining(", ")));
    }
}
