package io.pgstream.connector.table;

import java.io.Serializable;

/**
 * Converts one decoded column value (the Java types listed on {@link
 * io.pgstream.connector.event.ChangeEvent}) into Flink's internal data structure for the declared
 * SQL type. Built at planning time by {@link PostgresTypeMapper}, which has already checked that
 * the declared type can hold every value of the column; never called with null.
 */
@FunctionalInterface
interface ValueConverter extends Serializable {

    /**
     * @throws IllegalArgumentException for a single value the declared type cannot hold (NaN in a
     *     DECIMAL, infinity in a TIMESTAMP, more digits than an unconstrained numeric's declared
     *     DECIMAL), naming the value
     */
    Object toInternal(Object value);
}
