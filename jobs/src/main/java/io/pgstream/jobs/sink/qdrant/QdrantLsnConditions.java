package io.pgstream.jobs.sink.qdrant;

import static io.qdrant.client.ConditionFactory.filter;
import static io.qdrant.client.ConditionFactory.range;

import io.pgstream.connector.event.Lsn;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.Range;

/**
 * Filter conditions that compare the {@code lsn} payload with a write's LSN in real, unsigned
 * order. The payload keeps {@link Lsn#value()} as Qdrant's signed integer (the storage format), so
 * a position at or above {@code 80000000/0} is stored negative: "not above {@code w}" is the stored
 * range {@code [0, w]} when {@code w} is below the sign bit, and {@code [0, max] ∪ [min, w]} when
 * it is not. Qdrant evaluates ranges as doubles, so versions are exact below 2^53.
 */
final class QdrantLsnConditions {

    private QdrantLsnConditions() {}

    /** Stored {@code lsn} is not above {@code lsn}: the point may be replaced by the write. */
    static Condition notAbove(Lsn lsn) {
        return upTo(lsn, Range.newBuilder().setLte(lsn.value()).build());
    }

    /** Stored {@code lsn} is below {@code lsn}: the point is older than the write. */
    static Condition below(Lsn lsn) {
        return upTo(lsn, Range.newBuilder().setLt(lsn.value()).build());
    }

    private static Condition upTo(Lsn lsn, Range signedUpper) {
        Condition nonNegative = range(QdrantPayloads.LSN, Range.newBuilder().setGte(0).build());
        Condition upper = range(QdrantPayloads.LSN, signedUpper);
        if (lsn.value() >= 0) {
            // Below the sign bit: negative stored values are positions above the sign bit.
            return filter(Filter.newBuilder().addMust(nonNegative).addMust(upper).build());
        }
        // At or above the sign bit: every non-negative stored value is lower, and so are the
        // negative ones up to this one.
        return filter(Filter.newBuilder().addShould(nonNegative).addShould(upper).build());
    }
}
