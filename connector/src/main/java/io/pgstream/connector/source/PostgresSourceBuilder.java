package io.pgstream.connector.source;

import io.pgstream.connector.connection.PgConnectionConfig;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.ReplicationSpec;
import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.source.deserializer.ChangeEventDeserializationSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * Builds a {@link PostgresSource}. Required: a connection and a deserializer; everything else has
 * the defaults of {@link PostgresSourceOptions}. One slot by default ({@link #slotName}, {@link
 * #publicationName}, {@link #tables}); {@link #addSlot} adds more, each its own split.
 */
public final class PostgresSourceBuilder<T> {

    private PgConnectionConfig connection;
    private ChangeEventDeserializationSchema<T> deserializer;
    private final Configuration options = new Configuration();
    private final List<String> tables = new ArrayList<>();
    private final List<ReplicationDiscovery.SlotSpec> extraSlots = new ArrayList<>();
    private StoppingPosition stop = StoppingPosition.never();
    private SlotPreparer preparer = SlotManager::prepareFor;

    PostgresSourceBuilder() {}

    /** A libpq URI or JDBC URL; see {@link PgConnectionConfig#parse}. */
    public PostgresSourceBuilder<T> dsn(String dsn) {
        return connection(PgConnectionConfig.parse(dsn));
    }

    public PostgresSourceBuilder<T> connection(PgConnectionConfig connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
        return this;
    }

    public PostgresSourceBuilder<T> deserializer(ChangeEventDeserializationSchema<T> deserializer) {
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        return this;
    }

    /** Tables ({@code schema.table}) of the default slot's publication. */
    public PostgresSourceBuilder<T> tables(String... tables) {
        this.tables.addAll(Arrays.asList(tables));
        return this;
    }

    public PostgresSourceBuilder<T> slotName(String slot) {
        return set(PostgresSourceOptions.SLOT_NAME, slot);
    }

    public PostgresSourceBuilder<T> publicationName(String publication) {
        return set(PostgresSourceOptions.PUBLICATION_NAME, publication);
    }

    /** Another slot, read as its own split (possibly by another subtask). */
    public PostgresSourceBuilder<T> addSlot(String slot, String publication, String... tables) {
        extraSlots.add(new ReplicationDiscovery.SlotSpec(slot, publication, List.of(tables)));
        return this;
    }

    /** Where to stop; unbounded by default. */
    public PostgresSourceBuilder<T> stopAt(StoppingPosition stop) {
        this.stop = Objects.requireNonNull(stop, "stop");
        return this;
    }

    /**
     * How slots and publications are made to exist. By default as {@code pgstream setup} does it
     * ({@link SlotManager#prepareFor}): every check first, then whatever is missing is created; an
     * existing publication is used as it is.
     */
    public PostgresSourceBuilder<T> slotPreparer(SlotPreparer preparer) {
        this.preparer = Objects.requireNonNull(preparer, "preparer");
        return this;
    }

    /**
     * Creates nothing: the slot must exist already (made by {@code pgstream setup} or an
     * administrator). For roles that may read a slot but not create one.
     */
    public PostgresSourceBuilder<T> existingSlotOnly() {
        return slotPreparer(SlotManager::requireExisting);
    }

    /** Where a fresh job starts: {@link StartupMode#INITIAL} (snapshot, then stream) by default. */
    public PostgresSourceBuilder<T> startupMode(StartupMode mode) {
        return set(PostgresSourceOptions.STARTUP_MODE, mode);
    }

    /** Streams from {@code lsn} ({@link StartupMode#LSN}): commits at or after it. */
    public PostgresSourceBuilder<T> startAtLsn(Lsn lsn) {
        set(PostgresSourceOptions.STARTUP_LSN, lsn.toString());
        return startupMode(StartupMode.LSN);
    }

    /** Rows per snapshot chunk. */
    public PostgresSourceBuilder<T> snapshotChunkRows(int rows) {
        return set(PostgresSourceOptions.SNAPSHOT_CHUNK_ROWS, rows);
    }

    public PostgresSourceBuilder<T> valueFormat(PostgresSourceOptions.ValueFormat format) {
        return set(PostgresSourceOptions.VALUE_FORMAT, format);
    }

    public PostgresSourceBuilder<T> ackMode(PostgresSourceOptions.AckMode mode) {
        return set(PostgresSourceOptions.ACK_MODE, mode);
    }

    public PostgresSourceBuilder<T> transactionMemoryBudget(MemorySize budget) {
        return set(PostgresSourceOptions.TRANSACTION_MEMORY, budget);
    }

    public PostgresSourceBuilder<T> spillDirectory(String directory) {
        return set(PostgresSourceOptions.SPILL_DIRECTORY, directory);
    }

    public PostgresSourceBuilder<T> heartbeatInterval(Duration interval) {
        return set(PostgresSourceOptions.HEARTBEAT_INTERVAL, interval);
    }

    public PostgresSourceBuilder<T> statusInterval(Duration interval) {
        return set(PostgresSourceOptions.STATUS_INTERVAL, interval);
    }

    public PostgresSourceBuilder<T> slotBusyTimeout(Duration timeout) {
        return set(PostgresSourceOptions.SLOT_BUSY_TIMEOUT, timeout);
    }

    /** Any option of {@link PostgresSourceOptions}. */
    private Lsn startupLsn() {
        if (options.get(PostgresSourceOptions.STARTUP_MODE) != StartupMode.LSN) {
            return null;
        }
        String text =
                options.getOptional(PostgresSourceOptions.STARTUP_LSN)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "startup.mode LSN needs startup.lsn (X/Y)"));
        return Lsn.parse(text);
    }

    public <V> PostgresSourceBuilder<T> set(ConfigOption<V> option, V value) {
        options.set(option, value);
        return this;
    }

    public PostgresSource<T> build() {
        if (connection == null) {
            throw new IllegalArgumentException("PostgresSource needs a connection: call dsn(...)");
        }
        if (deserializer == null) {
            throw new IllegalArgumentException(
                    "PostgresSource needs a deserializer, e.g."
                            + " ChangeEventDeserializationSchema.changeEvents()");
        }
        List<ReplicationDiscovery.SlotSpec> slots = new ArrayList<>();
        if (!tables.isEmpty() || extraSlots.isEmpty()) {
            slots.add(
                    new ReplicationDiscovery.SlotSpec(
                            options.get(PostgresSourceOptions.SLOT_NAME),
                            options.get(PostgresSourceOptions.PUBLICATION_NAME),
                            List.copyOf(tables)));
        }
        slots.addAll(extraSlots);
        for (ReplicationDiscovery.SlotSpec spec : slots) {
            // Malformed names fail here, at the user's call, not as a job failure later.
            new ReplicationSpec(
                    spec.slot(),
                    spec.publication(),
                    spec.tables().stream().map(TableId::parse).toList());
        }
        long distinct = slots.stream().map(ReplicationDiscovery.SlotSpec::slot).distinct().count();
        if (distinct != slots.size()) {
            throw new IllegalArgumentException(
                    "Each slot may appear once: a slot has exactly one consumer");
        }
        return new PostgresSource<>(
                connection,
                options,
                new ReplicationDiscovery(
                        connection,
                        slots,
                        stop,
                        preparer,
                        options.get(PostgresSourceOptions.STARTUP_MODE),
                        startupLsn(),
                        options.get(PostgresSourceOptions.SNAPSHOT_CHUNK_ROWS)),
                stop.isBounded()
                        || options.get(PostgresSourceOptions.STARTUP_MODE)
                                == StartupMode.SNAPSHOT_ONLY,
                deserializer);
    }
}
