package io.pgstream.connector.event;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Equality and printing for decoded column values, which may be arrays ({@code byte[]}, {@code
 * float[]}) whose {@code equals} is identity.
 */
public final class RowValues {
    private RowValues() {}

    /**
     * Value equality that compares {@code byte[]} and {@code float[]} by content, also in lists.
     */
    public static boolean valuesEqual(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        if (a instanceof float[] && b instanceof float[]) {
            return Arrays.equals((float[]) a, (float[]) b);
        }
        if (a instanceof List && b instanceof List) {
            List<?> la = (List<?>) a;
            List<?> lb = (List<?>) b;
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!valuesEqual(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Whether two rows have the same keys, in the same order, with equal values. */
    public static boolean rowsEqual(Map<String, Object> a, Map<String, Object> b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.size() != b.size()) {
            return false;
        }
        Iterator<Map.Entry<String, Object>> ia = a.entrySet().iterator();
        Iterator<Map.Entry<String, Object>> ib = b.entrySet().iterator();
        while (ia.hasNext()) {
            Map.Entry<String, Object> ea = ia.next();
            Map.Entry<String, Object> eb = ib.next();
            if (!Objects.equals(ea.getKey(), eb.getKey())
                    || !valuesEqual(ea.getValue(), eb.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** A readable form of one value, showing array contents. */
    public static String toString(Object value) {
        if (value instanceof byte[]) {
            StringBuilder sb = new StringBuilder("\\x");
            for (byte x : (byte[]) value) {
                sb.append(Character.forDigit((x >> 4) & 0xF, 16))
                        .append(Character.forDigit(x & 0xF, 16));
            }
            return sb.toString();
        }
        if (value instanceof float[]) {
            return Arrays.toString((float[]) value);
        }
        if (value instanceof Map) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(e.getKey()).append('=').append(toString(e.getValue()));
            }
            return sb.append('}').toString();
        }
        return String.valueOf(value);
    }
}
