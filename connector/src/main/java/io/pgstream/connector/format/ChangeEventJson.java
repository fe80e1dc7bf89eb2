package io.pgstream.connector.format;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.NumericSpecial;
import io.pgstream.connector.event.PgInterval;
import io.pgstream.connector.event.PgJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a {@link ChangeEvent} as one JSON object: the contract that {@code pgstream tail} prints
 * and that scripts outside this repository read. The field names and value forms are documented in
 * the README ("JSON change format"); change them only by adding fields.
 *
 * <p>Hand-written rather than through a JSON library because every value form is fixed by the
 * contract (numeric as a string with its exact digits, non-finite floats as strings, json embedded
 * as JSON), and because it runs once per change.
 */
public final class ChangeEventJson {
    private ChangeEventJson() {}

    /** The JSON object for one event, without a trailing newline. */
    public static String toJson(ChangeEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"op\":\"").append(e.operation().code()).append('"');
        sb.append(",\"schema\":");
        string(sb, e.schema());
        sb.append(",\"table\":");
        string(sb, e.table());
        sb.append(",\"row\":");
        row(sb, e.row());
        sb.append(",\"old_row\":");
        row(sb, e.oldRow());
        if (!e.unchangedToastColumns().isEmpty()) {
            sb.append(",\"unchanged_toast\":[");
            boolean first = true;
            for (String column : e.unchangedToastColumns()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, column);
            }
            sb.append(']');
        }
        sb.append(",\"lsn\":\"").append(e.lsn()).append('"');
        sb.append(",\"commit_lsn\":\"").append(e.commitLsn()).append('"');
        sb.append(",\"commit_time\":");
        if (e.commitTime() == null) {
            sb.append("null");
        } else {
            sb.append('"').append(DateTimeFormatter.ISO_INSTANT.format(e.commitTime())).append('"');
        }
        sb.append(",\"xid\":").append(e.xid());
        if (e.truncateCascade() || e.truncateRestartIdentity()) {
            sb.append(",\"cascade\":").append(e.truncateCascade());
            sb.append(",\"restart_identity\":").append(e.truncateRestartIdentity());
        }
        return sb.append('}').toString();
    }

    private static void row(StringBuilder sb, Map<String, Object> row) {
        if (row == null) {
            sb.append("null");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> entry : row.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, entry.getKey());
            sb.append(':');
            value(sb, entry.getValue());
        }
        sb.append('}');
    }

    /** Appends one column value in its contract form. */
    public static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            string(sb, (String) v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            sb.append(v);
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof BigDecimal) {
            sb.append('"').append(((BigDecimal) v).toPlainString()).append('"');
        } else if (v instanceof NumericSpecial) {
            sb.append('"').append(v).append('"');
        } else if (v instanceof Double) {
            floating(sb, (Double) v, Double.toString((Double) v));
        } else if (v instanceof Float) {
            floating(sb, (Float) v, Float.toString((Float) v));
        } else if (v instanceof PgJson) {
            sb.append(((PgJson) v).json());
        } else if (v instanceof Instant) {
            Instant t = (Instant) v;
            if (t.equals(Instant.MAX)) {
                sb.append("\"infinity\"");
            } else if (t.equals(Instant.MIN)) {
                sb.append("\"-infinity\"");
            } else {
                sb.append('"').append(DateTimeFormatter.ISO_INSTANT.format(t)).append('"');
            }
        } else if (v instanceof LocalDateTime) {
            LocalDateTime t = (LocalDateTime) v;
            if (t.equals(LocalDateTime.MAX)) {
                sb.append("\"infinity\"");
            } else if (t.equals(LocalDateTime.MIN)) {
                sb.append("\"-infinity\"");
            } else {
                sb.append('"').append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t)).append('"');
            }
        } else if (v instanceof LocalDate) {
            LocalDate d = (LocalDate) v;
            if (d.equals(LocalDate.MAX)) {
                sb.append("\"infinity\"");
            } else if (d.equals(LocalDate.MIN)) {
                sb.append("\"-infinity\"");
            } else {
                sb.append('"').append(DateTimeFormatter.ISO_LOCAL_DATE.format(d)).append('"');
            }
        } else if (v instanceof LocalTime) {
            sb.append('"')
                    .append(DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) v))
                    .append('"');
        } else if (v instanceof OffsetTime) {
            sb.append('"')
                    .append(DateTimeFormatter.ISO_OFFSET_TIME.format((OffsetTime) v))
                    .append('"');
        } else if (v instanceof UUID) {
            sb.append('"').append(v).append('"');
        } else if (v instanceof byte[]) {
            byte[] b = (byte[]) v;
            sb.append("\"\\\\x");
            for (byte x : b) {
                sb.append(Character.forDigit((x >> 4) & 0xF, 16))
                        .append(Character.forDigit(x & 0xF, 16));
            }
            sb.append('"');
        } else if (v instanceof float[]) {
            float[] f = (float[]) v;
            sb.append('[');
            for (int i = 0; i < f.length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                floating(sb, f[i], Float.toString(f[i]));
            }
            sb.append(']');
        } else if (v instanceof Collection) {
            sb.append('[');
            boolean first = true;
            for (Object element : (Collection<?>) v) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                value(sb, element);
            }
            sb.append(']');
        } else if (v instanceof PgInterval) {
            string(sb, PgIntervalText.format((PgInterval) v));
        } else {
            string(sb, v.toString());
        }
    }

    private static void floating(StringBuilder sb, double value, String text) {
        if (Double.isNaN(value)) {
            sb.append("\"NaN\"");
        } else if (Double.isInfinite(value)) {
            sb.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        } else {
            sb.append(text);
        }
    }

    /** Appends a JSON string literal with RFC 8259 escaping. */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
