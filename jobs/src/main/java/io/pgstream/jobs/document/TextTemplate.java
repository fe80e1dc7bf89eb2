package io.pgstream.jobs.document;

import io.pgstream.connector.event.RowValues;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text a row is embedded as: a template with {@code {column}} placeholders ({@code
 * "{title}\n\n{content}"}), or a column list whose non-null values are joined by a blank line.
 * {@code {{} and {@code }}} write literal braces. A NULL column renders as nothing.
 *
 * <p>Parsed once when the job is built, so a template naming a column twice or an unclosed brace
 * fails before anything runs.
 */
public final class TextTemplate implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Literal text (even indexes) and column names (odd indexes), alternating. */
    private final List<String> parts;

    private final Set<String> columns;
    private final boolean joinNonNull;

    private TextTemplate(List<String> parts, Set<String> columns, boolean joinNonNull) {
        this.parts = List.copyOf(parts);
        this.columns = Collections.unmodifiableSet(columns);
        this.joinNonNull = joinNonNull;
    }

    /** Parses {@code "{title}\n\n{content}"}-style templates. */
    public static TextTemplate parse(String template) {
        List<String> parts = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                literal.append('}');
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException(
                            "template has an unclosed '{' at character " + i + ": " + template);
                }
                String column = template.substring(i + 1, end).trim();
                if (column.isEmpty()) {
                    throw new IllegalArgumentException(
                            "template has an empty placeholder '{}' at character " + i);
                }
                parts.add(literal.toString());
                literal.setLength(0);
                parts.add(column);
                columns.add(column);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException(
                        "template has a '}' without '{' at character "
                                + i
                                + " (write '}}' for a literal brace)");
            } else {
                literal.append(c);
                i++;
            }
        }
        parts.add(literal.toString());
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "template names no column; use {column} placeholders: " + template);
        }
        return new TextTemplate(parts, columns, false);
    }

    /** The non-null values of {@code columns}, in that order, joined by a blank line. */
    public static TextTemplate ofColumns(List<String> columns) {
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("the column list is empty");
        }
        Set<String> set = new LinkedHashSet<>(columns);
        if (set.size() != columns.size()) {
            throw new IllegalArgumentException("the column list names a column twice: " + columns);
        }
        List<String> parts = new ArrayList<>();
        for (String column : columns) {
            parts.add("");
            parts.add(column);
        }
        parts.add("");
        return new TextTemplate(parts, set, true);
    }

    /** The columns the text is made of. */
    public Set<String> columns() {
        return columns;
    }

    /** Renders the text of {@code row}; a column absent from the row renders as nothing. */
    public String render(Map<String, Object> row) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            if (i % 2 == 0) {
                out.append(parts.get(i));
                continue;
            }
            Object value = row.get(parts.get(i));
            if (value == null) {
                continue;
            }
            if (joinNonNull && out.length() > 0) {
                out.append("\n\n");
            }
            out.append(RowValues.toString(value));
        }
        return out.toString();
    }
}
