package io.pgstream.connector.source;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Every option of the PostgreSQL source, declared once. The builder, the SQL table factory and the
 * job templates read these; keys follow Flink CDC's {@code postgres-cdc} where the meaning is the
 * same, so users switch by changing one word.
 */
public final class PostgresSourceOptions {
    private PostgresSourceOptions() {}

    /**
     * Prefix of the slot names pgstream picks by default. A command that reads changes on its own,
     * next to a running job, adds its own suffix (see {@link #DEFAULT_SLOT_NAME}).
     */
    public static final String SLOT_NAME_PREFIX = "pgstream_";

    /**
     * The default slot: the one {@code pgstream sync} reads when the job file names none, so {@code
     * setup}, {@code status}, {@code teardown} and a source built with defaults all mean that one
     * slot. A compile-time constant, so command-line annotations can name it.
     */
    public static final String DEFAULT_SLOT_NAME = SLOT_NAME_PREFIX + "sync";

    /** The default publication: the default slot's name followed by {@code _pub}. */
    public static final String DEFAULT_PUBLICATION_NAME = DEFAULT_SLOT_NAME + "_pub";

    public static final ConfigOption<StartupMode> STARTUP_MODE =
            ConfigOptions.key("startup.mode")
                    .enumType(StartupMode.class)
                    .defaultValue(StartupMode.INITIAL)
                    .withDescription(
                            "INITIAL: existing rows as read events, then the stream; LATEST: the"
                                    + " stream only; SNAPSHOT_ONLY: existing rows, then finish.");

    public static final ConfigOption<String> STARTUP_LSN =
            ConfigOptions.key("startup.lsn")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "With startup.mode LSN: stream transactions committed at or after"
                                    + " this position (X/Y), at or after the slot's confirmed one.");

    public static final ConfigOption<Integer> SNAPSHOT_CHUNK_ROWS =
            ConfigOptions.key("snapshot.chunk-size")
                    .intType()
                    .defaultValue(8192)
                    .withDescription("Rows per snapshot chunk (one query, one split).");

    public static final ConfigOption<String> SLOT_NAME =
            ConfigOptions.key("slot.name")
                    .stringType()
                    .defaultValue(DEFAULT_SLOT_NAME)
                    .withDescription(
                            "Logical replication slot to read. One slot has one consumer: give"
                                    + " every job its own.");

    public static final ConfigOption<String> PUBLICATION_NAME =
            ConfigOptions.key("publication.name")
                    .stringType()
                    .defaultValue(DEFAULT_PUBLICATION_NAME)
                    .withDescription(
                            "Publication naming the tables; created when missing, used as it is"
                                    + " when it exists.");

    /** How the walsender encodes column values. */
    public enum ValueFormat {
        /** Each type's text output; exact for every type, including user-defined ones. */
        TEXT,
        /** Binary send format (PostgreSQL 14+): less CPU on both ends for numeric-heavy rows. */
        BINARY
    }

    public static final ConfigOption<ValueFormat> VALUE_FORMAT =
            ConfigOptions.key("decoding.value-format")
                    .enumType(ValueFormat.class)
                    .defaultValue(ValueFormat.TEXT)
                    .withDescription(
                            "pgoutput value format. BINARY decodes to the same values for every"
                                    + " built-in type; user-defined types need TEXT.");

    public static final ConfigOption<Duration> STATUS_INTERVAL =
            ConfigOptions.key("status.interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How often a standby status update is sent while reading. Must be"
                                    + " well below the server's wal_sender_timeout.");

    public static final ConfigOption<Duration> SLOT_BUSY_TIMEOUT =
            ConfigOptions.key("slot.busy-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long to wait for a slot held by another process (for example"
                                    + " the previous attempt of this job) before failing.");

    public static final ConfigOption<MemorySize> TRANSACTION_MEMORY =
            ConfigOptions.key("transaction.memory-budget")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(32))
                    .withDescription(
                            "Per-transaction memory before its changes spill to local disk.");

    public static final ConfigOption<String> SPILL_DIRECTORY =
            ConfigOptions.key("transaction.spill-dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory for spilled transactions; the JVM's temp directory when"
                                    + " unset.");

    public static final ConfigOption<Duration> HEARTBEAT_INTERVAL =
            ConfigOptions.key("heartbeat.interval")
                    .durationType()
                    .defaultValue(Duration.ZERO)
                    .withDescription(
                            "When positive, emit a pg_logical_emit_message heartbeat at this"
                                    + " interval so an idle database still moves the slot.");

    /** When the slot is acknowledged. */
    public enum AckMode {
        /** When a checkpoint covering the change completes: exactly-once. */
        CHECKPOINT,
        /**
         * After emission, for jobs without checkpointing: at-least-once. A crash loses nothing but
         * may replay what was emitted since the last ack.
         */
        EMIT
    }

    public static final ConfigOption<AckMode> ACK_MODE =
            ConfigOptions.key("ack.mode")
                    .enumType(AckMode.class)
                    .defaultValue(AckMode.CHECKPOINT)
                    .withDescription(
                            "CHECKPOINT (default) acknowledges the slot on checkpoint completion;"
                                    + " EMIT acknowledges after emission, for jobs without"
                                    + " checkpoints.");

    public static final ConfigOption<Integer> FETCH_MAX_MESSAGES =
            ConfigOptions.key("fetch.max-messages")
                    .intType()
                    .defaultValue(8192)
                    .withDescription("Messages read per fetch before handing results over.");
}
