package io.pgstream.connector.table;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarBinaryType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * PostgreSQL column types to Flink SQL types: which declared type can hold a column (checked at
 * planning time), which type to suggest, and which of the {@link ValueConverters} reads it.
 *
 * <p>The rule is that a declared type is accepted only when it holds every value the column can
 * have, exactly: {@code numeric(12,2)} fits {@code DECIMAL(12, 2)} or wider, never {@code INT};
 * {@code timestamp(6)} needs {@code TIMESTAMP(6)}; {@code varchar(20)} fits {@code VARCHAR(20)} or
 * {@code STRING}. Three documented exceptions, where Flink has no exact type: an unconstrained
 * {@code numeric} may be declared as any {@code DECIMAL(p, s)} and a value that does not fit it
 * exactly fails the job naming the value (declare {@code STRING} for the exact text); {@code time}
 * keeps milliseconds, as Flink's runtime stores {@code TIME}; NaN and infinities fail in numeric
 * and date/time types (declare {@code STRING} for NaN).
 */
final class PostgresTypeMapper {

    /** Types whose values arrive as their PostgreSQL text form or a text-like Java value. */
    private static final Set<String> TEXT_LIKE =
            Set.of(
                    "text",
                    "varchar",
                    "bpchar",
                    "name",
                    "xml",
                    "char",
                    "uuid",
                    "json",
                    "jsonb",
                    "numeric",
                    "interval",
                    "inet",
                    "cidr",
                    "macaddr",
                    "macaddr8",
                    "money",
                    "timetz");

    /** Built-in types the decoder maps to a dedicated Java type (not their text form). */
    private static final Set<String> MAPPED =
            union(
                    TEXT_LIKE,
                    Set.of(
                            "bool",
                            "int2",
                            "int4",
                            "int8",
                            "oid",
                            "float4",
                            "float8",
                            "bytea",
                            "date",
                            "time",
                            "timestamp",
                            "timestamptz",
                            "vector"));

    private PostgresTypeMapper() {}

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /**
     * The converter for a column read as {@code declared}.
     *
     * @throws ValidationException naming the column, both types and the type to declare instead
     */
    static ValueConverter converter(PgColumn column, LogicalType declared) {
        ValueConverter c = create(column, declared);
        if (c == null) {
            throw new ValidationException(
                    "Column '"
                            + column.name()
                            + "': PostgreSQL type "
                            + column.displayType()
                            + " cannot be read as Flink type "
                            + declared.asSerializableString()
                            + "; declare it as "
                            + suggested(column).getLogicalType().asSerializableString());
        }
        return c;
    }

    /** The Flink type a column maps to by default (see the README's type table). */
    static DataType suggested(PgColumn c) {
        if (c.isArray()) {
            return DataTypes.ARRAY(suggested(c.element()));
        }
        switch (c.typeName()) {
            case "bool":
                return DataTypes.BOOLEAN();
            case "int2":
                return DataTypes.SMALLINT();
            case "int4":
                return DataTypes.INT();
            case "int8":
            case "oid":
                return DataTypes.BIGINT();
            case "float4":
                return DataTypes.FLOAT();
            case "float8":
                return DataTypes.DOUBLE();
            case "numeric":
                if (c.typmod() < 4) {
                    return DataTypes.DECIMAL(38, 18);
                }
                int p = numericPrecision(c.typmod());
                int s = numericScale(c.typmod());
                int integer = p - s;
                int scale = Math.max(s, 0);
                return integer + scale > DecimalType.MAX_PRECISION
                        ? DataTypes.STRING()
                        : DataTypes.DECIMAL(integer + scale, scale);
            case "bytea":
                return DataTypes.BYTES();
            case "date":
                return DataTypes.DATE();
            case "time":
                return DataTypes.TIME(3);
            case "timestamp":
                return DataTypes.TIMESTAMP(timePrecision(c.typmod()));
            case "timestamptz":
                return DataTypes.TIMESTAMP_LTZ(timePrecision(c.typmod()));
            case "vector":
                return DataTypes.ARRAY(DataTypes.FLOAT());
            default:
                return DataTypes.STRING();
        }
    }

    private static ValueConverter create(PgColumn c, LogicalType t) {
        String pg = c.typeName();
        switch (t.getTypeRoot()) {
            case BOOLEAN:
                return is(c, "bool") ? ValueConverters.identity() : null;
            // Numbers convert only from the Java types of the PostgreSQL types accepted here: a
            // column retyped mid-query (bigint, numeric) fails with a ClassCastException rather
            // than being truncated silently.
            case SMALLINT:
                return is(c, "int2") ? v -> (Short) v : null;
            case INTEGER:
                return is(c, "int2", "int4")
                        ? v -> v instanceof Short x ? Integer.valueOf(x) : (Integer) v
                        : null;
            case BIGINT:
                return is(c, "int2", "int4", "int8", "oid")
                        ? v ->
                                v instanceof Long x
                                        ? x
                                        : Long.valueOf(v instanceof Short y ? y : (Integer) v)
                        : null;
            case FLOAT:
                return is(c, "float4") ? v -> (Float) v : null;
            case DOUBLE:
                return is(c, "float4", "float8")
                        ? v -> v instanceof Float x ? Double.valueOf(x) : (Double) v
                        : null;
            case DECIMAL:
                return decimal(c, (DecimalType) t);
            case CHAR:
            case VARCHAR:
                return string(c, t);
            case BINARY:
            case VARBINARY:
                return is(c, "bytea")
                                && t.getTypeRoot() == LogicalTypeRoot.VARBINARY
                                && ((VarBinaryType) t).getLength() == VarBinaryType.MAX_LENGTH
                        ? ValueConverters.identity()
                        : null;
            case DATE:
                return is(c, "date") ? ValueConverters::date : null;
            case TIME_WITHOUT_TIME_ZONE:
                return is(c, "time") ? ValueConverters::time : null;
            case TIMESTAMP_WITHOUT_TIME_ZONE:
                return is(c, "timestamp")
                                && timePrecision(c.typmod()) <= ((TimestampType) t).getPrecision()
                        ? ValueConverters::timestamp
                        : null;
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
                return is(c, "timestamptz")
                                && timePrecision(c.typmod())
                                        <= ((LocalZonedTimestampType) t).getPrecision()
                        ? ValueConverters::timestampLtz
                        : null;
            case ARRAY:
                return array(c, (ArrayType) t);
            default:
                return null;
        }
    }

    private static boolean is(PgColumn c, String... names) {
        return !c.isArray() && List.of(names).contains(c.typeName());
    }

    private static ValueConverter decimal(PgColumn c, DecimalType t) {
        int p = t.getPrecision();
        int s = t.getScale();
        boolean fits;
        if (is(c, "numeric")) {
            fits =
                    c.typmod() < 4
                            || (numericPrecision(c.typmod()) - numericScale(c.typmod()) <= p - s
                                    && Math.max(numericScale(c.typmod()), 0) <= s);
        } else if (is(c, "int2")) {
            fits = p - s >= 5;
        } else if (is(c, "int4")) {
            fits = p - s >= 10;
        } else if (is(c, "int8")) {
            fits = p - s >= 19;
        } else {
            fits = false;
        }
        if (!fits) {
            return null;
        }
        return ValueConverters.decimal(c.name(), p, s);
    }

    private static ValueConverter string(PgColumn c, LogicalType t) {
        if (c.isArray() || !(TEXT_LIKE.contains(c.typeName()) || !MAPPED.contains(c.typeName()))) {
            return null;
        }
        int length =
                t instanceof VarCharType
                        ? ((VarCharType) t).getLength()
                        : ((CharType) t).getLength();
        if (length != VarCharType.MAX_LENGTH) {
            // A bounded declared type holds only bounded text at most as long.
            int pgLength =
                    is(c, "varchar", "bpchar") && c.typmod() >= 4
                            ? c.typmod() - 4
                            : is(c, "uuid") ? 36 : Integer.MAX_VALUE;
            if (pgLength > length) {
                return null;
            }
        }
        return ValueConverters.string();
    }

    private static ValueConverter array(PgColumn c, ArrayType t) {
        LogicalType elementType = t.getElementType();
        if (!c.isArray()) {
            if (c.typeName().equals("vector")
                    && elementType.getTypeRoot() == LogicalTypeRoot.FLOAT) {
                return ValueConverters.vector();
            }
            return null;
        }
        PgColumn element = c.element();
        if (element.typeType() == 'b' && !MAPPED.contains(element.typeName())) {
            // The decoder keeps such arrays as their text form, not as a list.
            return null;
        }
        ValueConverter elements = create(element, elementType);
        if (elements == null) {
            return null;
        }
        return ValueConverters.array(c.name(), elements);
    }

    /** {@code numeric(p,s)}: p from the modifier. */
    static int numericPrecision(int typmod) {
        return ((typmod - 4) >> 16) & 0xffff;
    }

    /** {@code numeric(p,s)}: s from the modifier, negative scales included (PostgreSQL 15+). */
    static int numericScale(int typmod) {
        return (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
    }

    /** Fractional-second digits of a time type; 6 when unconstrained. */
    static int timePrecision(int typmod) {
        return typmod < 0 ? 6 : typmod;
    }
}
