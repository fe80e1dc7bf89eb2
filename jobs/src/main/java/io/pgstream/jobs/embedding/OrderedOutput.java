package io.pgstream.jobs.embedding;

import io.pgstream.jobs.sink.DeadLetterResolution;
import io.pgstream.jobs.sink.VectorWrite;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The embedding operator's held changes in input order, and the only place that emits them: a write
 * leaves when it and every write before it is done, so output order is input order whatever order
 * the model answers in. Only then does its content hash reach keyed state (see {@link
 * ContentHashes}) and its refused mark change (see {@link RefusedMarks}). Task thread only.
 */
final class OrderedOutput {

    private final ArrayDeque<PendingWrite> queue = new ArrayDeque<>();
    private final Output<StreamRecord<VectorWrite>> output;
    private final KeyContext keys;
    private final ContentHashes hashes;
    private final RefusedMarks marks;

    OrderedOutput(
            Output<StreamRecord<VectorWrite>> output,
            KeyContext keys,
            ContentHashes hashes,
            RefusedMarks marks) {
        this.output = output;
        this.keys = keys;
        this.hashes = hashes;
        this.marks = marks;
    }

    /** Takes the next place in the queue. */
    void add(PendingWrite write) {
        queue.add(write);
    }

    /** Emits every finished write at the head of the queue; the current key is left as it was. */
    void emitReady() {
        Object savedKey = null;
        boolean keyChanged = false;
        while (!queue.isEmpty() && queue.peekFirst().isDone()) {
            PendingWrite head = queue.pollFirst();
            if (head.write() != null) {
                output.collect(new StreamRecord<>(head.write()));
            } else {
                output.collect(
                        EmbeddingOperator.DEAD_LETTERS, new StreamRecord<>(head.deadLetter()));
            }
            if (head.hashAfter == null && !RefusedMarks.concerns(head)) {
                continue;
            }
            if (!keyChanged) {
                savedKey = keys.getCurrentKey();
                keyChanged = true;
            }
            keys.setCurrentKey(head.key);
            if (head.hashAfter != null) {
                hashes.emitted(head.key, head.hashAfter);
            }
            DeadLetterResolution resolved = marks.emitted(head);
            if (resolved != null) {
                output.collect(EmbeddingOperator.DEAD_LETTERS, new StreamRecord<>(resolved));
            }
        }
        if (keyChanged && savedKey != null) {
            keys.setCurrentKey(savedKey);
        }
    }

    /** Changes held now (waiting, in flight, or waiting for an earlier one). */
    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The held changes in order, each in its newest collapsed form: what a checkpoint keeps. */
    List<RoutedChange> held() {
        List<RoutedChange> held = new ArrayList<>(queue.size());
        for (PendingWrite write : queue) {
            held.add(RoutedChange.row(write.change));
        }
        return held;
    }
}
