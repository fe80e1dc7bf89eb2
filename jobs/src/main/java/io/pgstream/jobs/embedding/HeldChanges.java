package io.pgstream.jobs.embedding;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * The changes the embedding operator holds at a checkpoint, in operator state: a union list that
 * each subtask filters by its key groups, so after rescaling each held change goes to the subtask
 * owning its key, in the order its old subtask held it.
 */
final class HeldChanges {

    private final ListState<RoutedChange> state;

    private HeldChanges(ListState<RoutedChange> state) {
        this.state = state;
    }

    static HeldChanges register(StateInitializationContext context) throws Exception {
        return new HeldChanges(
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "held-changes", TypeInformation.of(RoutedChange.class))));
    }

    /** The restored changes whose key this subtask owns, in their order. */
    List<RoutedChange> restoredFor(TaskInfo task) throws Exception {
        int keyGroups = task.getMaxNumberOfParallelSubtasks();
        KeyGroupRange range =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        keyGroups,
                        task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask());
        List<RoutedChange> restored = new ArrayList<>();
        for (RoutedChange held : state.get()) {
            String key = RoutedChange.KEY.getKey(held);
            if (range.contains(KeyGroupRangeAssignment.assignToKeyGroup(key, keyGroups))) {
                restored.add(held);
            }
        }
        return restored;
    }

    void snapshot(List<RoutedChange> held) throws Exception {
        state.update(held);
    }
}
