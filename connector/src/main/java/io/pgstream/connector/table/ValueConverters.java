package io.pgstream.connector.table;

import io.pgstream.connector.event.NumericSpecial;
import io.pgstream.connector.event.PgInterval;
import io.pgstream.connector.event.PgJson;
import io.pgstream.connector.format.PgIntervalText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

/**
 * The {@link ValueConverter}s {@link PostgresTypeMapper} hands out once it has found that a
 * declared type can hold a column: the decoder's Java value to Flink's internal data, failing with
 * a message that names the column and the value where a single value does not fit.
 */
final class ValueConverters {

    private ValueConverters() {}

    /** Any value as it is (booleans, bytes). */
    static ValueConverter identity() {
        return v -> v;
    }

    /** A numeric or integer value as {@code DECIMAL(p, s)}, exactly or not at all. */
    static ValueConverter decimal(String column, int p, int s) {
        return v -> {
            if (v instanceof NumericSpecial) {
                throw new IllegalArgumentException(
                        "column '"
                                + column
                                + "': "
                                + v
                                + " cannot be a DECIMAL("
                                + p
                                + ", "
                                + s
                                + "); declare the column STRING to read NaN and infinities");
            }
            BigDecimal value =
                    v instanceof BigDecimal
                            ? (BigDecimal) v
                            : BigDecimal.valueOf(((Number) v).longValue());
            DecimalData d = null;
            try {
                d = DecimalData.fromBigDecimal(value.setScale(s, RoundingMode.UNNECESSARY), p, s);
            } catch (ArithmeticException e) {
                // more fractional digits than the scale: reported below
            }
            if (d == null) {
                throw new IllegalArgumentException(
                        "column '"
                                + column
                                + "': value "
                                + value.toPlainString()
                                + " does not fit DECIMAL("
                                + p
                                + ", "
                                + s
                                + ") exactly; declare a wider DECIMAL or STRING");
            }
            return d;
        };
    }

    /** Any value as its {@link #text}. */
    static ValueConverter string() {
        return v -> StringData.fromString(text(v));
    }

    /** The value's text: PostgreSQL's own form, ISO-8601 for {@code timetz}. */
    static String text(Object v) {
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof PgJson) {
            return ((PgJson) v).json();
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).toPlainString();
        }
        if (v instanceof PgInterval) {
            return PgIntervalText.format((PgInterval) v);
        }
        return String.valueOf(v);
    }

    /** A pgvector {@code vector} as {@code ARRAY<FLOAT>}. */
    static ValueConverter vector() {
        return v -> new GenericArrayData((float[]) v);
    }

    /** A one-dimensional array, each non-null element through {@code elements}. */
    static ValueConverter array(String column, ValueConverter elements) {
        return v -> {
            if (!(v instanceof List)) {
                throw new IllegalArgumentException(
                        "column '"
                                + column
                                + "': a multi-dimensional array ("
                                + v
                                + ") cannot be read as a one-dimensional ARRAY; store"
                                + " one-dimensional arrays or read the column elsewhere");
            }
            List<?> list = (List<?>) v;
            Object[] out = new Object[list.size()];
            for (int i = 0; i < out.length; i++) {
                Object e = list.get(i);
                out[i] = e == null ? null : elements.toInternal(e);
            }
            return new GenericArrayData(out);
        };
    }

    /** {@code time} as milliseconds of the day, as Flink's runtime stores {@code TIME}. */
    static Object time(Object v) {
        return (int) (((LocalTime) v).toNanoOfDay() / 1_000_000L);
    }

    static Object date(Object v) {
        LocalDate d = (LocalDate) v;
        if (d.equals(LocalDate.MAX) || d.equals(LocalDate.MIN)) {
            throw new IllegalArgumentException(
                    "date " + (d.equals(LocalDate.MAX) ? "infinity" : "-infinity") + notFlink());
        }
        return (int) d.toEpochDay();
    }

    static Object timestamp(Object v) {
        LocalDateTime t = (LocalDateTime) v;
        if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) {
            throw new IllegalArgumentException(
                    "timestamp "
                            + (t.equals(LocalDateTime.MAX) ? "infinity" : "-infinity")
                            + notFlink());
        }
        return TimestampData.fromLocalDateTime(t);
    }

    static Object timestampLtz(Object v) {
        Instant t = (Instant) v;
        if (t.equals(Instant.MAX) || t.equals(Instant.MIN)) {
            throw new IllegalArgumentException(
                    "timestamptz "
                            + (t.equals(Instant.MAX) ? "infinity" : "-infinity")
                            + notFlink());
        }
        return TimestampData.fromInstant(t);
    }

    private static String notFlink() {
        return " has no Flink SQL value; filter it out in PostgreSQL or avoid storing it";
    }
}
