package io.pgstream.jobs.templates;

import io.pgstream.connector.source.PostgresSourceOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job file's {@code source:} section, declared once. The connector's {@link
 * PostgresSourceOptions} owns the defaults both share (slot, chunk size), so a job file and a
 * source built in code mean the same slot by default.
 */
public final class SourceOptions {

    private SourceOptions() {}

    public static final ConfigOption<String> DSN =
            ConfigOptions.key("source.dsn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "libpq URI (postgresql://user@host:port/db) or jdbc:postgresql:// URL"
                                    + " (required).");

    public static final ConfigOption<List<String>> TABLES =
            ConfigOptions.key("source.tables")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription("Tables to keep indexed, schema.name (required).");

    public static final ConfigOption<String> SLOT =
            ConfigOptions.key("source.slot")
                    .stringType()
                    .defaultValue(PostgresSourceOptions.DEFAULT_SLOT_NAME)
                    .withDescription("Logical replication slot; one slot has one consumer.");

    public static final ConfigOption<String> PUBLICATION =
            ConfigOptions.key("source.publication")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Publication of the tables; default: the slot name followed by _pub.");

    public static final ConfigOption<String> STARTUP_MODE =
            ConfigOptions.key("source.startup-mode")
                    .stringType()
                    .defaultValue("initial")
                    .withDescription("initial, latest, snapshot-only or lsn:X/Y.");

    public static final ConfigOption<Integer> CHUNK_SIZE =
            ConfigOptions.key("source.chunk-size")
                    .intType()
                    .defaultValue(PostgresSourceOptions.SNAPSHOT_CHUNK_ROWS.defaultValue())
                    .withDescription("Snapshot rows per chunk.");

    public static final ConfigOption<Duration> HEARTBEAT =
            ConfigOptions.key("source.heartbeat")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Interval of a heartbeat message that moves the slot of an idle"
                                    + " database; unset: none.");
}
