package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.NumericSpecial;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * PostgreSQL's array text form, both ways: splitting a one-dimensional {@code {a,"b c",NULL}} into
 * element texts (quoted {@code "NULL"} is the string, bare {@code NULL} is SQL NULL), and writing
 * the text form of elements decoded from binary, with {@code array_out}'s quoting rules, so that
 * both formats yield the same value.
 */
final class ArrayText {

    private ArrayText() {}

    /**
     * The element texts of a one-dimensional array (null for NULL elements), or null when the array
     * has more than one dimension. A leading {@code [lo:hi]=} bound decoration is dropped.
     */
    static List<String> split(String s) {
        int i = 0;
        if (s.startsWith("[")) {
            i = s.indexOf('=') + 1;
            if (i == 0) {
                throw bad(s);
            }
        }
        if (i >= s.length() || s.charAt(i) != '{' || s.charAt(s.length() - 1) != '}') {
            throw bad(s);
        }
        i++;
        List<String> out = new ArrayList<>();
        int end = s.length() - 1;
        if (i == end) {
            return out;
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            sb.setLength(0);
            if (s.charAt(i) == '{') {
                return null;
            }
            boolean quoted = s.charAt(i) == '"';
            if (quoted) {
                i++;
                while (s.charAt(i) != '"') {
                    char ch = s.charAt(i++);
                    sb.append(ch == '\\' ? s.charAt(i++) : ch);
                }
                i++;
                out.add(sb.toString());
            } else {
                while (i < end && s.charAt(i) != ',') {
                    char ch = s.charAt(i++);
                    sb.append(ch == '\\' ? s.charAt(i++) : ch);
                }
                String text = sb.toString().strip();
                out.add(text.equalsIgnoreCase("NULL") ? null : text);
            }
            if (i == end) {
                return out;
            }
            if (s.charAt(i) != ',') {
                throw bad(s);
            }
            i++;
        }
    }

    /**
     * Writes an array's text form from decoded elements, or returns false (leaving {@code out}
     * unspecified) when an element's text form cannot be reproduced exactly.
     *
     * @param dims sizes per dimension
     * @param lowerBounds lower bound per dimension; a decoration is written unless all are 1
     */
    static boolean write(StringBuilder out, List<Object> elements, int[] dims, int[] lowerBounds) {
        boolean decorated = false;
        for (int lb : lowerBounds) {
            decorated |= lb != 1;
        }
        if (decorated) {
            for (int d = 0; d < dims.length; d++) {
                out.append('[')
                        .append(lowerBounds[d])
                        .append(':')
                        .append(lowerBounds[d] + dims[d] - 1)
                        .append(']');
            }
            out.append('=');
        }
        return writeLevel(out, elements, dims, 0, new int[] {0});
    }

    private static boolean writeLevel(
            StringBuilder out, List<Object> elements, int[] dims, int level, int[] next) {
        out.append('{');
        for (int k = 0; k < dims[level]; k++) {
            if (k > 0) {
                out.append(',');
            }
            if (level + 1 < dims.length) {
                if (!writeLevel(out, elements, dims, level + 1, next)) {
                    return false;
                }
            } else {
                Object e = elements.get(next[0]++);
                String text = e == null ? null : elementText(e);
                if (e != null && text == null) {
                    return false;
                }
                appendQuoted(out, text);
            }
        }
        out.append('}');
        return true;
    }

    /** The text form of a decoded element, or null when it cannot be reproduced exactly. */
    static String elementText(Object v) {
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof Short || v instanceof Integer || v instanceof Long) {
            return v.toString();
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? "t" : "f";
        }
        if (v instanceof BigDecimal) {
            return ((BigDecimal) v).toPlainString();
        }
        if (v instanceof NumericSpecial || v instanceof UUID) {
            return v.toString();
        }
        return null;
    }

    private static void appendQuoted(StringBuilder out, String text) {
        if (text == null) {
            out.append("NULL");
            return;
        }
        boolean quote = text.isEmpty() || text.equalsIgnoreCase("NULL");
        for (int k = 0; k < text.length() && !quote; k++) {
            char ch = text.charAt(k);
            quote =
                    ch == '{'
                            || ch == '}'
                            || ch == ','
                            || ch == '"'
                            || ch == '\\'
                            || ch == ' '
                            || ch == '\t'
                            || ch == '\n'
                            || ch == '\r'
                            || ch == 0x0B
                            || ch == '\f';
        }
        if (!quote) {
            out.append(text);
            return;
        }
        out.append('"');
        for (int k = 0; k < text.length(); k++) {
            char ch = text.charAt(k);
            if (ch == '"' || ch == '\\') {
                out.append('\\');
            }
            out.append(ch);
        }
        out.append('"');
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("not an array literal: '" + s + "'");
    }
}
