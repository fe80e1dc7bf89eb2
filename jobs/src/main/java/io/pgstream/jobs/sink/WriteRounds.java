package io.pgstream.jobs.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits a buffered batch of {@link VectorWrite}s into steps a store can run as a few set-based
 * requests while keeping the batch's exact meaning: applying the steps in order equals applying the
 * writes one by one in arrival order.
 *
 * <p>A step is either one {@link VectorWrite.Kind#TRUNCATE} or a <em>round</em>: writes of distinct
 * rows, so the round's writes commute and can be grouped by kind. The n-th write of a row since the
 * last truncate goes to the n-th round; a truncate closes all open rounds. Nothing is collapsed:
 * most batches are a single round because most rows change once per batch.
 */
public final class WriteRounds {

    /** One step: a truncate, or writes of distinct rows. */
    public record Step(VectorWrite truncate, List<VectorWrite> round) {
        public boolean isTruncate() {
            return truncate != null;
        }
    }

    private WriteRounds() {}

    /** The steps for {@code writes}, in the order they must run. */
    public static List<Step> of(List<VectorWrite> writes) {
        List<Step> steps = new ArrayList<>();
        List<List<VectorWrite>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (VectorWrite w : writes) {
            if (w.kind() == VectorWrite.Kind.TRUNCATE) {
                rounds.forEach(r -> steps.add(new Step(null, r)));
                rounds.clear();
                seen.clear();
                steps.add(new Step(w, List.of()));
                continue;
            }
            int n = seen.merge(w.sourceTable() + '\u0000' + w.id(), 1, Integer::sum) - 1;
            if (n == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(n).add(w);
        }
        rounds.forEach(r -> steps.add(new Step(null, r)));
        return steps;
    }
}
