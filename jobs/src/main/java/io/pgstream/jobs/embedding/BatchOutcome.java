package io.pgstream.jobs.embedding;

import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.VectorWrite;

/** What a batch thread decided for one row of a batch, handed back to the task thread. */
sealed interface BatchOutcome {

    /** An upsert with its vectors, or a metadata write when the sink already stores the text. */
    record Written(VectorWrite write) implements BatchOutcome {}

    /** The model refused the row for good. */
    record Refused(DeadLetter letter) implements BatchOutcome {}
}
