package io.pgstream.connector.event;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A compact, exact binary form of {@link ChangeEvent}: one tag byte per value, so every typed value
 * comes back as the same Java type (a {@code BigDecimal} keeps its scale, an {@code Instant} its
 * microseconds).
 *
 * <p>One codec serves Flink's type serializer and the disk spill of large transactions, so the two
 * can never disagree. The format is versioned by the callers that persist it; a change to it must
 * add tags, never reuse them.
 *
 * <p>It is over 300 lines because it has one write and one read branch per value tag, kept side by
 * side so the two cannot drift apart.
 */
public final class ChangeEventCodec {

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte SHORT = 2;
    private static final byte INT = 3;
    private static final byte LONG = 4;
    private static final byte FLOAT = 5;
    private static final byte DOUBLE = 6;
    private static final byte DECIMAL = 7;
    private static final byte NUMERIC_SPECIAL = 8;
    private static final byte STRING = 9;
    private static final byte UUID_TAG = 10;
    private static final byte JSON = 11;
    private static final byte BYTES = 12;
    private static final byte DATE = 13;
    private static final byte TIME = 14;
    private static final byte TIMETZ = 15;
    private static final byte TIMESTAMP = 16;
    private static final byte TIMESTAMPTZ = 17;
    private static final byte INTERVAL = 18;
    private static final byte VECTOR = 19;
    private static final byte LIST = 20;

    private static final Operation[] OPERATIONS = Operation.values();
    private static final NumericSpecial[] NUMERIC_SPECIALS = NumericSpecial.values();

    private ChangeEventCodec() {}

    /** Writes one event. */
    public static void write(ChangeEvent e, DataOutput out) throws IOException {
        out.writeByte(e.operation().ordinal());
        writeString(e.schema(), out);
        writeString(e.table(), out);
        writeRow(e.row(), out);
        writeRow(e.oldRow(), out);
        out.writeInt(e.unchangedToastColumns().size());
        for (String column : e.unchangedToastColumns()) {
            writeString(column, out);
        }
        out.writeLong(e.commitLsn().value());
        out.writeLong(e.lsn().value());
        Instant commitTime = e.commitTime();
        out.writeBoolean(commitTime != null);
        if (commitTime != null) {
            out.writeLong(commitTime.getEpochSecond());
            out.writeInt(commitTime.getNano());
        }
        out.writeLong(e.xid());
        out.writeByte((e.truncateCascade() ? 1 : 0) | (e.truncateRestartIdentity() ? 2 : 0));
    }

    /** Reads one event written by {@link #write}. */
    public static ChangeEvent read(DataInput in) throws IOException {
        ChangeEvent.Builder b = ChangeEvent.builder(OPERATIONS[in.readUnsignedByte()]);
        b.table(readString(in), readString(in));
        b.row(readRow(in));
        b.oldRow(readRow(in));
        int toast = in.readInt();
        for (int i = 0; i < toast; i++) {
            b.unchangedToastColumn(readString(in));
        }
        b.commitLsn(new Lsn(in.readLong()));
        b.lsn(new Lsn(in.readLong()));
        if (in.readBoolean()) {
            b.commitTime(Instant.ofEpochSecond(in.readLong(), in.readInt()));
        }
        b.xid(in.readLong());
        int flags = in.readUnsignedByte();
        b.truncateFlags((flags & 1) != 0, (flags & 2) != 0);
        return b.build();
    }

    private static void writeRow(Map<String, Object> row, DataOutput out) throws IOException {
        if (row == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(row.size());
        for (Map.Entry<String, Object> entry : row.entrySet()) {
            writeString(entry.getKey(), out);
            writeValue(entry.getValue(), out);
        }
    }

    private static Map<String, Object> readRow(DataInput in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            return null;
        }
        Map<String, Object> row = new LinkedHashMap<>(Math.max(4, size * 2));
        for (int i = 0; i < size; i++) {
            row.put(readString(in), readValue(in));
        }
        return row;
    }

    /** Writes one column value; throws naming the class for a type outside ChangeEvent's list. */
    public static void writeValue(Object v, DataOutput out) throws IOException {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof String) {
            out.writeByte(STRING);
            writeString((String) v, out);
        } else if (v instanceof Integer) {
            out.writeByte(INT);
            out.writeInt((Integer) v);
        } else if (v instanceof Long) {
            out.writeByte(LONG);
            out.writeLong((Long) v);
        } else if (v instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) v;
            out.writeByte(DECIMAL);
            out.writeInt(d.scale());
            writeBytes(d.unscaledValue().toByteArray(), out);
        } else if (v instanceof Instant) {
            Instant t = (Instant) v;
            out.writeByte(TIMESTAMPTZ);
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        } else if (v instanceof Boolean) {
            out.writeByte(BOOLEAN);
            out.writeBoolean((Boolean) v);
        } else if (v instanceof Short) {
            out.writeByte(SHORT);
            out.writeShort((Short) v);
        } else if (v instanceof Float) {
            out.writeByte(FLOAT);
            out.writeInt(Float.floatToRawIntBits((Float) v));
        } else if (v instanceof Double) {
            out.writeByte(DOUBLE);
            out.writeLong(Double.doubleToRawLongBits((Double) v));
        } else if (v instanceof NumericSpecial) {
            out.writeByte(NUMERIC_SPECIAL);
            out.writeByte(((NumericSpecial) v).ordinal());
        } else if (v instanceof UUID) {
            UUID u = (UUID) v;
            out.writeByte(UUID_TAG);
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        } else if (v instanceof PgJson) {
            out.writeByte(JSON);
            writeString(((PgJson) v).json(), out);
        } else if (v instanceof byte[]) {
            out.writeByte(BYTES);
            writeBytes((byte[]) v, out);
        } else if (v instanceof LocalDate) {
            out.writeByte(DATE);
            out.writeLong(((LocalDate) v).toEpochDay());
        } else if (v instanceof LocalTime) {
            out.writeByte(TIME);
            out.writeLong(((LocalTime) v).toNanoOfDay());
        } else if (v instanceof OffsetTime) {
            OffsetTime t = (OffsetTime) v;
            out.writeByte(TIMETZ);
            out.writeLong(t.toLocalTime().toNanoOfDay());
            out.writeInt(t.getOffset().getTotalSeconds());
        } else if (v instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) v;
            out.writeByte(TIMESTAMP);
            out.writeLong(t.toLocalDate().toEpochDay());
            out.writeLong(t.toLocalTime().toNanoOfDay());
        } else if (v instanceof PgInterval) {
            PgInterval i = (PgInterval) v;
            out.writeByte(INTERVAL);
            out.writeInt(i.months());
            out.writeInt(i.days());
            out.writeLong(i.microseconds());
        } else if (v instanceof float[]) {
            float[] f = (float[]) v;
            out.writeByte(VECTOR);
            out.writeInt(f.length);
            for (float x : f) {
                out.writeInt(Float.floatToRawIntBits(x));
            }
        } else if (v instanceof List) {
            List<?> list = (List<?>) v;
            out.writeByte(LIST);
            out.writeInt(list.size());
            for (Object element : list) {
                writeValue(element, out);
            }
        } else {
            throw new IOException(
                    "Cannot serialize a column value of type "
                            + v.getClass().getName()
                            + ": not one of ChangeEvent's value types");
        }
    }

    /** Reads one column value written by {@link #writeValue}. */
    public static Object readValue(DataInput in) throws IOException {
        byte tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case BOOLEAN:
                return in.readBoolean();
            case SHORT:
                return in.readShort();
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case FLOAT:
                return Float.intBitsToFloat(in.readInt());
            case DOUBLE:
                return Double.longBitsToDouble(in.readLong());
            case DECIMAL:
                int scale = in.readInt();
                return new BigDecimal(new BigInteger(readBytes(in)), scale);
            case NUMERIC_SPECIAL:
                return NUMERIC_SPECIALS[in.readUnsignedByte()];
            case STRING:
                return readString(in);
            case UUID_TAG:
                return new UUID(in.readLong(), in.readLong());
            case JSON:
                return new PgJson(readString(in));
            case BYTES:
                return readBytes(in);
            case DATE:
                return LocalDate.ofEpochDay(in.readLong());
            case TIME:
                return LocalTime.ofNanoOfDay(in.readLong());
            case TIMETZ:
                long nanos = in.readLong();
                return OffsetTime.of(
                        LocalTime.ofNanoOfDay(nanos), ZoneOffset.ofTotalSeconds(in.readInt()));
            case TIMESTAMP:
                long day = in.readLong();
                return LocalDateTime.of(
                        LocalDate.ofEpochDay(day), LocalTime.ofNanoOfDay(in.readLong()));
            case TIMESTAMPTZ:
                return Instant.ofEpochSecond(in.readLong(), in.readInt());
            case INTERVAL:
                return new PgInterval(in.readInt(), in.readInt(), in.readLong());
            case VECTOR:
                float[] f = new float[in.readInt()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = Float.intBitsToFloat(in.readInt());
                }
                return f;
            case LIST:
                int size = in.readInt();
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(readValue(in));
                }
                return Collections.unmodifiableList(list);
            default:
                throw new IOException("Unknown value tag " + tag + " in serialized ChangeEvent");
        }
    }

    private static void writeString(String s, DataOutput out) throws IOException {
        writeBytes(s.getBytes(StandardCharsets.UTF_8), out);
    }

    private static String readString(DataInput in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static void writeBytes(byte[] b, DataOutput out) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }
}
