package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.NumericSpecial;
import io.pgstream.connector.event.PgInterval;
import io.pgstream.connector.event.PgJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/**
 * Scalar values from PostgreSQL's binary send form ({@code binary 'true'} subscriptions, PG14+),
 * decoded to exactly what {@link TextValues} gives for the same datum.
 */
final class BinaryValues {

    /** PostgreSQL's epoch for dates and timestamps, 2000-01-01, in Unix epoch days. */
    private static final long PG_EPOCH_DAY = 10_957L;

    private static final long PG_EPOCH_SECOND = PG_EPOCH_DAY * 86_400L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final BigInteger NBASE = BigInteger.valueOf(10_000);

    private BinaryValues() {}

    static Object scalar(ValueKind kind, byte[] b, int off, int len) {
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        switch (kind) {
            case BOOL:
                return b[off] != 0;
            case INT2:
                return in.getShort();
            case INT4:
                return in.getInt();
            case INT8:
                return in.getLong();
            case OID:
                return in.getInt() & 0xffff_ffffL;
            case FLOAT4:
                return in.getFloat();
            case FLOAT8:
                return in.getDouble();
            case NUMERIC:
                return numeric(in);
            case TEXT:
                return new String(b, off, len, StandardCharsets.UTF_8);
            case CHAR:
                return charText(b[off]);
            case UUID:
                return new UUID(in.getLong(), in.getLong());
            case JSON:
                return new PgJson(new String(b, off, len, StandardCharsets.UTF_8));
            case JSONB:
                if (b[off] != 1) {
                    throw new IllegalArgumentException("unknown jsonb version " + b[off]);
                }
                return new PgJson(new String(b, off + 1, len - 1, StandardCharsets.UTF_8));
            case BYTEA:
                return Arrays.copyOfRange(b, off, off + len);
            case DATE:
                return date(in.getInt());
            case TIME:
                return time(in.getLong());
            case TIMETZ:
                LocalTime t = time(in.getLong());
                // The wire carries seconds *west* of UTC.
                return OffsetTime.of(t, ZoneOffset.ofTotalSeconds(-in.getInt()));
            case TIMESTAMP:
                return timestamp(in.getLong());
            case TIMESTAMPTZ:
                return timestamptz(in.getLong());
            case INTERVAL:
                long micros = in.getLong();
                int days = in.getInt();
                return new PgInterval(in.getInt(), days, micros);
            case INET:
                return InetText.inet(b, off, len, false);
            case CIDR:
                return InetText.inet(b, off, len, true);
            case MACADDR:
            case MACADDR8:
                return InetText.macaddr(b, off, len);
            case VECTOR:
                return vector(in);
            case OTHER_USER:
                return userType(b, off, len);
            default:
                return Arrays.copyOfRange(b, off, off + len);
        }
    }

    /**
     * {@code ndigits(2) weight(2) sign(2) dscale(2) digits(2 each, base 10000)}; the value is
     * {@code sum(digit[i] * 10000^(weight - i))}, shown with {@code dscale} decimals.
     */
    private static Object numeric(ByteBuffer in) {
        int ndigits = in.getShort();
        int weight = in.getShort();
        int sign = in.getShort() & 0xffff;
        int dscale = in.getShort() & 0xffff;
        switch (sign) {
            case 0xC000:
                return NumericSpecial.NAN;
            case 0xD000:
                return NumericSpecial.POSITIVE_INFINITY;
            case 0xF000:
                return NumericSpecial.NEGATIVE_INFINITY;
            default:
                break;
        }
        BigInteger unscaled = BigInteger.ZERO;
        long small = 0;
        boolean fitsLong = ndigits <= 4;
        for (int k = 0; k < ndigits; k++) {
            int digit = in.getShort();
            if (fitsLong) {
                small = small * 10_000 + digit;
            } else {
                unscaled = unscaled.multiply(NBASE).add(BigInteger.valueOf(digit));
            }
        }
        if (fitsLong) {
            unscaled = BigInteger.valueOf(small);
        }
        // The last digit group has weight (weight - ndigits + 1), i.e. 4 decimals per group.
        int scale = 4 * (ndigits - 1 - weight);
        BigDecimal value = new BigDecimal(unscaled, scale);
        if (sign == 0x4000) {
            value = value.negate();
        }
        return value.setScale(dscale, RoundingMode.UNNECESSARY);
    }

    private static String charText(byte v) {
        int u = v & 0xff;
        if (u == 0) {
            return "";
        }
        if (u < 0x80) {
            return String.valueOf((char) u);
        }
        // charout writes high-bit bytes as a backslash and three octal digits.
        return "\\"
                + (char) ('0' + (u >> 6))
                + (char) ('0' + ((u >> 3) & 7))
                + (char) ('0' + (u & 7));
    }

    private static LocalDate date(int days) {
        if (days == Integer.MAX_VALUE) {
            return LocalDate.MAX;
        }
        if (days == Integer.MIN_VALUE) {
            return LocalDate.MIN;
        }
        return LocalDate.ofEpochDay(PG_EPOCH_DAY + days);
    }

    private static LocalTime time(long micros) {
        if (micros == MICROS_PER_DAY) {
            return LocalTime.MAX;
        }
        return LocalTime.ofNanoOfDay(micros * 1000);
    }

    private static LocalDateTime timestamp(long micros) {
        if (micros == Long.MAX_VALUE) {
            return LocalDateTime.MAX;
        }
        if (micros == Long.MIN_VALUE) {
            return LocalDateTime.MIN;
        }
        return LocalDateTime.ofEpochSecond(
                PG_EPOCH_SECOND + Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000,
                ZoneOffset.UTC);
    }

    private static Instant timestamptz(long micros) {
        if (micros == Long.MAX_VALUE) {
            return Instant.MAX;
        }
        if (micros == Long.MIN_VALUE) {
            return Instant.MIN;
        }
        return Instant.ofEpochSecond(
                PG_EPOCH_SECOND + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000);
    }

    /** pgvector's send form: {@code dim(2) unused(2) float4 * dim}. */
    private static float[] vector(ByteBuffer in) {
        int dim = in.getShort() & 0xffff;
        in.getShort();
        float[] out = new float[dim];
        for (int k = 0; k < dim; k++) {
            out[k] = in.getFloat();
        }
        return out;
    }

    /**
     * A user type without a mapping. Enums (and text-like extension types such as citext) send
     * their text, which is what text format gives; anything else (composites, ranges) has a
     * structured send form that starts with a count or flags, so it contains bytes no text has, and
     * stays raw bytes.
     */
    private static Object userType(byte[] b, int off, int len) {
        for (int k = off; k < off + len; k++) {
            int u = b[k] & 0xff;
            if (u < 0x20 && u != '\t' && u != '\n' && u != '\r') {
                return Arrays.copyOfRange(b, off, off + len);
            }
        }
        return new String(b, off, len, StandardCharsets.UTF_8);
    }
}
