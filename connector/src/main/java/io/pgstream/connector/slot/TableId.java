package io.pgstream.connector.slot;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table's schema and name as PostgreSQL stores them (after case folding), so lookups can bind
 * them as parameters and statements can quote them with {@link #quoted()}.
 *
 * <p>{@link #parse(String)} reads names the way psql does: unquoted parts are folded to lower case,
 * double-quoted parts are taken as written (with {@code ""} for a quote), so {@code
 * "my.schema"."Docs"} names schema {@code my.schema} and table {@code Docs}. {@link #toString()}
 * gives the form {@code parse} reads back.
 */
public record TableId(String schema, String table) implements Serializable {

    /** The schema a name without one resolves to. */
    public static final String DEFAULT_SCHEMA = "public";

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("Empty schema or table name");
        }
    }

    /**
     * Parses {@code table}, {@code schema.table}, or either with double-quoted parts.
     *
     * <p>An unquoted part is taken literally up to the next dot, whatever characters it holds; a
     * name that is not a real table is then reported by the lookup as unknown, naming it, rather
     * than rejected here with a vaguer syntax error.
     *
     * @throws IllegalArgumentException naming the input, for an empty part, an unterminated quote,
     *     text after a closing quote, or more than two parts
     */
    public static TableId parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("Empty table name: expected table or schema.table");
        }
        List<String> parts = new ArrayList<>();
        String s = text.strip();
        int i = 0;
        while (true) {
            StringBuilder part = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i = readQuoted(s, i + 1, part, text);
            } else {
                while (i < s.length() && s.charAt(i) != '.') {
                    part.append(foldAscii(s.charAt(i)));
                    i++;
                }
                if (part.toString().isBlank()) {
                    throw new IllegalArgumentException(
                            "Empty part in table name '" + text + "': expected schema.table");
                }
            }
            parts.add(part.toString());
            if (i == s.length()) {
                break;
            }
            if (s.charAt(i) != '.') {
                throw new IllegalArgumentException(
                        "Unexpected '"
                                + s.charAt(i)
                                + "' after a quoted name in table name '"
                                + text
                                + "'");
            }
            i++;
            if (i == s.length()) {
                throw new IllegalArgumentException(
                        "Table name '" + text + "' ends with a dot: expected schema.table");
            }
        }
        if (parts.size() > 2) {
            throw new IllegalArgumentException(
                    "Table name '"
                            + text
                            + "' has "
                            + parts.size()
                            + " parts: expected table or schema.table (quote a name that"
                            + " contains a dot: \"my.schema\".table)");
        }
        return parts.size() == 1
                ? new TableId(DEFAULT_SCHEMA, parts.get(0))
                : new TableId(parts.get(0), parts.get(1));
    }

    /** Reads a quoted part whose opening quote precedes {@code start}; returns the next index. */
    private static int readQuoted(String s, int start, StringBuilder part, String text) {
        int i = start;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    part.append('"');
                    i += 2;
                    continue;
                }
                if (part.length() == 0) {
                    throw new IllegalArgumentException(
                            "Empty quoted name in table name '" + text + "'");
                }
                return i + 1;
            }
            part.append(c);
            i++;
        }
        throw new IllegalArgumentException("Unterminated quote in table name '" + text + "'");
    }

    /** PostgreSQL folds only ASCII letters in unquoted identifiers. */
    private static char foldAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** The table as SQL text, each part quoted: {@code "public"."docs"}. */
    public String quoted() {
        return Identifiers.quote(schema) + "." + Identifiers.quote(table);
    }

    /**
     * Readable form that {@link #parse(String)} reads back: {@code public.docs}, {@code "My".t}.
     */
    @Override
    public String toString() {
        return display(schema) + "." + display(table);
    }

    private static String display(String name) {
        return isPlain(name) ? name : Identifiers.quote(name);
    }

    /** Whether an unquoted name would fold to itself and parse as one part. */
    private static boolean isPlain(String name) {
        char first = name.charAt(0);
        if (!(first >= 'a' && first <= 'z') && first != '_') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_' && c != '$') {
                return false;
            }
        }
        return true;
    }
}
