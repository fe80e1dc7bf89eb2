package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.NumericSpecial;
import io.pgstream.connector.event.PgJson;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * Scalar values from PostgreSQL's text output form. The source's replication session fixes the
 * settings these forms depend on ({@code DateStyle ISO}, {@code IntervalStyle postgres}, {@code
 * bytea_output hex}, {@code extra_float_digits 3}), so parsing is exact.
 */
final class TextValues {

    private TextValues() {}

    static Object scalar(ValueKind kind, String s) {
        switch (kind) {
            case BOOL:
                return bool(s);
            case INT2:
                return Short.valueOf(s);
            case INT4:
                return Integer.valueOf(s);
            case INT8:
            case OID:
                return Long.valueOf(s);
            case FLOAT4:
                return Float.valueOf(s);
            case FLOAT8:
                return Double.valueOf(s);
            case NUMERIC:
                return numeric(s);
            case UUID:
                return java.util.UUID.fromString(s);
            case JSON:
            case JSONB:
                return new PgJson(s);
            case BYTEA:
                return bytea(s);
            case DATE:
                return DateTimeText.date(s);
            case TIME:
                return DateTimeText.time(s);
            case TIMETZ:
                return DateTimeText.timetz(s);
            case TIMESTAMP:
                return DateTimeText.timestamp(s);
            case TIMESTAMPTZ:
                return DateTimeText.timestamptz(s);
            case INTERVAL:
                return IntervalText.parse(s);
            case VECTOR:
                return vector(s);
            default:
                // text types, "char", inet/cidr/macaddr and everything without a mapping.
                return s;
        }
    }

    private static Boolean bool(String s) {
        if (s.equals("t")) {
            return Boolean.TRUE;
        }
        if (s.equals("f")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("not a boolean: '" + s + "'");
    }

    static Object numeric(String s) {
        switch (s) {
            case "NaN":
                return NumericSpecial.NAN;
            case "Infinity":
                return NumericSpecial.POSITIVE_INFINITY;
            case "-Infinity":
                return NumericSpecial.NEGATIVE_INFINITY;
            default:
                return new BigDecimal(s);
        }
    }

    /** Hex ({@code \x0aff}) or, for servers with {@code bytea_output = escape}, escape form. */
    static byte[] bytea(String s) {
        if (s.startsWith("\\x")) {
            int n = (s.length() - 2) / 2;
            byte[] out = new byte[n];
            for (int k = 0; k < n; k++) {
                out[k] =
                        (byte)
                                ((Character.digit(s.charAt(2 + 2 * k), 16) << 4)
                                        | Character.digit(s.charAt(3 + 2 * k), 16));
            }
            return out;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int k = 0; k < s.length(); k++) {
            char ch = s.charAt(k);
            if (ch != '\\') {
                out.write(ch);
            } else if (s.charAt(k + 1) == '\\') {
                out.write('\\');
                k++;
            } else {
                out.write(Integer.parseInt(s.substring(k + 1, k + 4), 8));
                k += 3;
            }
        }
        return out.toByteArray();
    }

    /** pgvector's text form {@code [1,2.5,-3]}. */
    static float[] vector(String s) {
        if (s.length() < 2 || s.charAt(0) != '[' || s.charAt(s.length() - 1) != ']') {
            throw new IllegalArgumentException("not a vector: '" + s + "'");
        }
        String body = s.substring(1, s.length() - 1);
        if (body.isBlank()) {
            return new float[0];
        }
        String[] parts = body.split(",");
        float[] out = new float[parts.length];
        for (int k = 0; k < parts.length; k++) {
            out[k] = Float.parseFloat(parts[k].strip());
        }
        return out;
    }

    static UUID uuid(String s) {
        return java.util.UUID.fromString(s);
    }
}
