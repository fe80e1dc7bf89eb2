package io.pgstream.bench.freshness;

/**
 * One reader of the benchmark table's changes that stamps, for every insert it sees, the time from
 * the change's commit to the moment the reader had it in hand.
 */
public interface ChangeReader extends AutoCloseable {

    /** A short name for the results table. */
    String name();

    /** Starts reading; returns once the reader is streaming (a probe change was seen). */
    void start(Probe probe) throws Exception;

    /** Waits until {@code expected} measured changes were seen; returns their latencies. */
    Latencies await(int expected) throws Exception;

    /** Inserts a row that is not measured, to see whether the reader streams. */
    interface Probe {
        void insert() throws Exception;
    }
}
