package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.VectorWrite;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * One place in the embedding operator's output queue, in input order: either a write that is ready
 * (a delete, a metadata refresh, a dead letter) or an upsert waiting for its vectors. Only the task
 * thread touches it; a batch thread reads the fields of an upsert after it was sealed, which no
 * longer change.
 */
final class PendingWrite {

    final String key;
    DocumentChange change;
    String text;
    String hash;
    List<String> chunks;
    boolean needsLookup;

    /** The content-hash entry keyed state takes when this write is emitted; null: unchanged. */
    Tuple2<String, Long> hashAfter;

    private VectorWrite write;
    private DeadLetter deadLetter;
    private boolean done;

    private PendingWrite(String key, DocumentChange change) {
        this.key = key;
        this.change = change;
    }

    static PendingWrite ready(String key, DocumentChange change, VectorWrite write) {
        PendingWrite p = new PendingWrite(key, change);
        p.complete(write);
        return p;
    }

    static PendingWrite rejected(String key, DocumentChange change, DeadLetter deadLetter) {
        PendingWrite p = new PendingWrite(key, change);
        p.reject(deadLetter);
        return p;
    }

    static PendingWrite embedding(
            String key,
            DocumentChange change,
            String text,
            String hash,
            List<String> chunks,
            boolean needsLookup) {
        PendingWrite p = new PendingWrite(key, change);
        p.text = text;
        p.hash = hash;
        p.chunks = chunks;
        p.needsLookup = needsLookup;
        return p;
    }

    void complete(VectorWrite result) {
        this.write = result;
        this.done = true;
    }

    void reject(DeadLetter letter) {
        this.deadLetter = letter;
        this.done = true;
    }

    boolean isDone() {
        return done;
    }

    /** The write to emit; null when this is a dead letter. */
    VectorWrite write() {
        return write;
    }

    /** The dead letter to emit; null when this is a write. */
    DeadLetter deadLetter() {
        return deadLetter;
    }
}
