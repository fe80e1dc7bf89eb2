package io.pgstream.connector.slot;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Creates, inspects and drops the publication and pgoutput slot a pgstream job reads.
 *
 * <pre>{@code
 * SlotManager slots = new SlotManager(PgConnectionConfig.parse(dsn));
 * SlotStatus s = slots.setup(new ReplicationSpec("pgstream", "pgstream_pub",
 *         List.of(TableId.parse("public.docs"))));
 * slots.teardown("pgstream", "pgstream_pub", false);
 * }</pre>
 *
 * <p>Every method opens one connection, blocks while it talks to PostgreSQL, and closes it; an
 * instance holds only the configuration and may be shared between threads. Problems a person has to
 * fix come as {@link PgStreamSetupException} (checked before anything is created); anything
 * unexpected as {@link SQLException}.
 *
 * <p>The publication is created before the slot on purpose: pgoutput looks the publication up as of
 * each change's position in the WAL, so a slot older than its publication fails to decode the
 * changes in between.
 *
 * <p>It is over 300 lines because setup (check everything, then create), the in-use check with its
 * grace period and a forced teardown (terminate, wait for the release) are each an ordered sequence
 * of queries with problems of its own to report.
 */
public final class SlotManager {

    /** How long teardown with force waits for a terminated consumer to release the slot. */
    static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How long {@link #requireNotInUse} waits for a busy slot to be released before it reports the
     * holder: long enough for the walsender of a consumer that was just killed to notice and exit,
     * short enough that a second consumer fails within seconds.
     */
    static final Duration IN_USE_GRACE = Duration.ofSeconds(3);

    private static final long RELEASE_POLL_MILLIS = 50;

    private static final String DUPLICATE_OBJECT = "42710";
    private static final String UNDEFINED_OBJECT = "42704";
    private static final String OBJECT_IN_USE = "55006";
    private static final String CONFIGURATION_LIMIT_EXCEEDED = "53400";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final PgConnectionConfig config;

    public SlotManager(PgConnectionConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * A {@code SlotPreparer} for {@code PostgresSourceBuilder#slotPreparer}: {@code
     * SlotManager::prepareFor} sets up the slot and publication when a fresh job starts.
     *
     * @param tables names as {@link TableId#parse} reads them
     */
    public static void prepareFor(
            PgConnectionConfig connection, String slot, String publication, List<String> tables)
            throws PgStreamSetupException, SQLException {
        List<TableId> ids = tables.stream().map(TableId::parse).toList();
        new SlotManager(connection).setup(new ReplicationSpec(slot, publication, ids));
    }

    /**
     * A {@code SlotPreparer} that creates nothing, for roles that may read a slot but not create
     * one: {@code SlotManager::requireExisting} checks that the slot exists and decodes with
     * pgoutput. Connection failures stay plain {@link SQLException}s, so a restarting job retries
     * them.
     *
     * @param tables unused: an existing publication is used as it is
     */
    public static void requireExisting(
            PgConnectionConfig connection, String slot, String publication, List<String> tables)
            throws SQLException {
        ServerFacts.Slot existing;
        try (Connection c = connection.connect()) {
            existing = ServerCatalog.slot(c, slot);
        }
        if (existing == null) {
            throw new SQLException(
                    "Replication slot '"
                            + slot
                            + "' does not exist on "
                            + connection.redacted()
                            + ". Create it with: pgstream setup --slot "
                            + slot
                            + " --publication "
                            + publication
                            + " --table <schema.table>");
        }
        if (!"pgoutput".equals(existing.plugin())) {
            throw new SQLException(
                    "Replication slot '"
                            + slot
                            + "' uses plugin "
                            + existing.plugin()
                            + ", not pgoutput; drop it or choose another slot name");
        }
    }

    /**
     * Refuses to start a second consumer on a slot another process streams from: PostgreSQL lets
     * one walsender use a slot at a time, and a job started anyway would wait in its source for
     * minutes without saying why. Returns at once when the slot is free or does not exist; a busy
     * slot is polled for {@link #IN_USE_GRACE} (a consumer killed a moment ago may still hold it)
     * before the holder is reported.
     *
     * <p>For command-line runs only, before their job starts: a restarting job's source waits for
     * its own previous walsender instead.
     *
     * @param slotSetting the setting that names the slot, quoted in the fix ("source.slot")
     * @throws PgStreamSetupException {@code SLOT_ACTIVE}, naming the holder's PID, application and
     *     client address
     */
    public void requireNotInUse(String slot, String slotSetting)
            throws PgStreamSetupException, SQLException {
        try (Connection c = connect()) {
            long deadline = System.nanoTime() + IN_USE_GRACE.toNanos();
            while (true) {
                ServerFacts.SlotHolder holder = ServerCatalog.holder(c, slot);
                if (holder == null) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw SetupProblems.slotInUse(slot, holder, slotSetting);
                }
                pause(slot, holder.pid());
            }
        }
    }

    /**
     * Makes the publication and slot exist, idempotently: checks everything first and creates
     * nothing if a check fails; creates what is missing. A publication pgstream created (marked by
     * its comment) gets the configured tables it lacks; any other existing publication is used as
     * it is: a table it lacks is reported, never added behind its owner's back.
     *
     * @return the state after setup
     */
    public SlotStatus setup(ReplicationSpec spec) throws PgStreamSetupException, SQLException {
        try (Connection c = connect()) {
            for (int attempt = 1; ; attempt++) {
                SetupPlan plan = Preflight.plan(spec, ServerCatalog.facts(c, spec));
                try {
                    apply(c, spec, plan);
                    return ServerCatalog.status(c, spec.slot(), spec.publication());
                } catch (SQLException e) {
                    // Another setup created the same object meanwhile: re-read, finish the rest.
                    if (attempt == 1 && DUPLICATE_OBJECT.equals(e.getSQLState())) {
                        continue;
                    }
                    throw e;
                }
            }
        }
    }

    private static void apply(Connection c, ReplicationSpec spec, SetupPlan plan)
            throws PgStreamSetupException, SQLException {
        if (plan.createPublication()) {
            execute(
                    c,
                    PublicationSql.create(
                            spec.publication(), spec.tables(), spec.publishViaPartitionRoot()));
            execute(c, PublicationSql.markManaged(spec.publication()));
        } else if (!plan.tablesToAdd().isEmpty()) {
            execute(c, PublicationSql.addTables(spec.publication(), plan.tablesToAdd()));
        }
        if (plan.createSlot()) {
            createSlot(c, spec.slot());
        }
    }

    private static void createSlot(Connection c, String slot)
            throws PgStreamSetupException, SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            ps.setString(1, slot);
            ps.execute();
        } catch (SQLException e) {
            if (CONFIGURATION_LIMIT_EXCEEDED.equals(e.getSQLState())) {
                int max = ServerCatalog.maxSlots(c);
                throw SetupProblems.noFreeSlots(max, max);
            }
            throw e;
        }
    }

    /** The slot's state and its publication's tables; never fails because either is missing. */
    public SlotStatus status(String slot, String publication)
            throws PgStreamSetupException, SQLException {
        try (Connection c = connect()) {
            return ServerCatalog.status(c, slot, publication);
        }
    }

    /**
     * Drops the slot, then the publication; idempotent. A slot in use is left alone (SLOT_ACTIVE,
     * naming the PID) unless {@code force}, which terminates its walsender, waits up to {@link
     * #RELEASE_TIMEOUT} for the slot to be released, and drops it.
     *
     * <p>Refuses, before dropping anything, a slot that is not this database's pgoutput slot and a
     * publication the role may not drop.
     */
    public TeardownResult teardown(String slot, String publication, boolean force)
            throws PgStreamSetupException, SQLException {
        ReplicationSpec.checkSlotName(slot);
        try (Connection c = connect()) {
            ServerFacts.Role role = ServerCatalog.role(c);
            ServerFacts.Slot existing = ServerCatalog.slot(c, slot);
            ServerFacts.Publication pub = ServerCatalog.publication(c, publication);
            if (existing != null) {
                Preflight.checkRole(role);
                Preflight.checkSlot(existing, ServerCatalog.currentDatabase(c));
                if (existing.active() && !force) {
                    throw SetupProblems.slotActive(slot, existing.activePid());
                }
            }
            if (pub != null && !pub.owned() && !role.superuser()) {
                throw SetupProblems.cannotDropPublication(role.name(), pub);
            }
            Integer terminated = null;
            if (existing != null && existing.active()) {
                terminated = existing.activePid();
                terminate(c, slot, terminated, role.name());
            }
            boolean slotDropped = existing != null && dropSlot(c, slot);
            if (pub != null) {
                execute(c, PublicationSql.dropIfExists(publication));
            }
            return new TeardownResult(slotDropped, pub != null, terminated);
        }
    }

    private static void terminate(Connection c, String slot, int pid, String role)
            throws PgStreamSetupException, SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            ps.execute();
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw SetupProblems.cannotTerminate(slot, pid, role);
            }
            throw e;
        }
        awaitRelease(c, slot, pid);
    }

    /** Polls until the slot is free, bounded by {@link #RELEASE_TIMEOUT}. */
    private static void awaitRelease(Connection c, String slot, int pid)
            throws PgStreamSetupException, SQLException {
        long deadline = System.nanoTime() + RELEASE_TIMEOUT.toNanos();
        while (true) {
            ServerFacts.Slot now = ServerCatalog.slot(c, slot);
            if (now == null || !now.active()) {
                return;
            }
            if (now.activePid() != pid || System.nanoTime() - deadline > 0) {
                throw SetupProblems.slotStillActive(
                        slot, now.activePid(), RELEASE_TIMEOUT.toSeconds());
            }
            pause(slot, pid);
        }
    }

    private static void pause(String slot, int pid) throws SQLException {
        try {
            TimeUnit.MILLISECONDS.sleep(RELEASE_POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(
                    "Interrupted while waiting for PID " + pid + " to release slot " + slot, e);
        }
    }

    /** Returns false when the slot vanished meanwhile. */
    private static boolean dropSlot(Connection c, String slot)
            throws PgStreamSetupException, SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, slot);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                ServerFacts.Slot now = ServerCatalog.slot(c, slot);
                throw SetupProblems.slotActive(slot, now == null ? null : now.activePid());
            }
            throw e;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Connection connect() throws PgStreamSetupException {
        try {
            return config.connect();
        } catch (SQLException e) {
            throw SetupProblems.connection(config.redacted(), withoutPassword(e.getMessage()), e);
        }
    }

    /** Driver messages should not quote the password; this makes sure of it. */
    private String withoutPassword(String message) {
        String password = config.jdbcProperties().getProperty("password");
        if (message == null || password == null || password.isEmpty()) {
            return message;
        }
        return message.replace(password, "***");
    }
}
