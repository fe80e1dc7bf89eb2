package io.pgstream.jobs.model;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

/**
 * How an ML_PREDICT function groups rows into model calls: at most {@code batchSize} texts per
 * call, a row waiting at most {@code maxLinger} for others, at most {@code maxConcurrentCalls}
 * calls open at once per parallel subtask.
 */
record BatchSettings(int batchSize, Duration maxLinger, int maxConcurrentCalls)
        implements Serializable {

    /** Reads and checks the batching options; {@code concurrentCalls} false: one call at a time. */
    static BatchSettings from(ReadableConfig options, boolean concurrentCalls) {
        int batchSize = options.get(ModelOptions.BATCH_SIZE);
        if (batchSize < 1) {
            throw new ValidationException(
                    "Model option 'batch-size' must be at least 1, got " + batchSize);
        }
        Duration linger = options.get(ModelOptions.MAX_LINGER);
        if (linger.isNegative()) {
            throw new ValidationException(
                    "Model option 'max-linger' must not be negative, got " + linger);
        }
        int calls = concurrentCalls ? options.get(ModelOptions.MAX_CONCURRENT_REQUESTS) : 1;
        if (calls < 1) {
            throw new ValidationException(
                    "Model option 'max-concurrent-requests' must be at least 1, got " + calls);
        }
        return new BatchSettings(batchSize, linger, calls);
    }
}
