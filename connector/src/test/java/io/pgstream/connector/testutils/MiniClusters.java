package io.pgstream.connector.testutils;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The one-task-manager MiniCluster every ITCase uses, declared once so they all stay alike. */
public final class MiniClusters {

    private MiniClusters() {}

    /**
     * A MiniCluster with one task manager of {@code slots} slots.
     *
     * <pre>{@code
     * @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);
     * }</pre>
     */
    public static MiniClusterExtension withSlots(int slots) {
        return withSlots(slots, new Configuration());
    }

    /** As {@link #withSlots(int)}, with {@code configuration} (e.g. a metric reporter). */
    public static MiniClusterExtension withSlots(int slots, Configuration configuration) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .setConfiguration(configuration)
                        .build());
    }
}
