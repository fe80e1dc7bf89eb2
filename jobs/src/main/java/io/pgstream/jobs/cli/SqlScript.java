package io.pgstream.jobs.cli;

import io.pgstream.jobs.templates.EnvironmentExpansion;
import io.pgstream.jobs.templates.EnvironmentExpansion.UnsetVariableException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits a SQL script into statements at semicolons that are outside quotes ({@code '...'}, {@code
 * "..."}, {@code `...`}) and comments ({@code -- ...}, {@code /* ... *&#47;}). Comments are dropped
 * (a block comment keeps its line breaks, so line numbers stay true); empty statements are dropped.
 * Each statement keeps the line it starts on, so an error can point into the file.
 */
final class SqlScript {

    /**
     * One statement as written, comments removed and {@code ${NAME}} not yet expanded: this text is
     * safe to show, the expanded one may hold a secret.
     */
    record Statement(String text, int line) {

        /**
         * The statement with {@code ${NAME}} expanded from {@code env}.
         *
         * @throws IllegalArgumentException {@code <origin>:<line>: ${NAME} is not set}
         */
        String expanded(Function<String, String> env, String origin) {
            try {
                return EnvironmentExpansion.expand(text, env);
            } catch (UnsetVariableException e) {
                int at = line + newlines(text, 0, e.offset());
                throw new IllegalArgumentException(origin + ":" + at + ": " + e.getMessage());
            }
        }

        /** The text with runs of white space made one space: the same statement, reformatted. */
        String normalized() {
            return text.replaceAll("\\s+", " ");
        }
    }

    private SqlScript() {}

    static List<Statement> statements(String script) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1; // of the next character
        int currentLine = 1; // where the text in current begins
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int next;
            if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < n) {
                    if (script.charAt(end) == c) {
                        if (end + 1 < n && script.charAt(end + 1) == c) {
                            end += 2; // doubled quote
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                next = Math.min(end + 1, n);
                current.append(script, i, next);
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                next = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                next = end < 0 ? n : end + 2;
                current.append(' ').append("\n".repeat(newlines(script, i, next)));
            } else if (c == ';') {
                add(out, current, currentLine);
                next = i + 1;
                currentLine = line;
            } else {
                current.append(c);
                next = i + 1;
            }
            line += newlines(script, i, next);
            i = next;
        }
        add(out, current, currentLine);
        return out;
    }

    private static int newlines(String s, int from, int to) {
        int count = 0;
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                count++;
            }
        }
        return count;
    }

    private static void add(List<Statement> out, StringBuilder sb, int firstLine) {
        String raw = sb.toString();
        String s = raw.strip();
        if (!s.isEmpty()) {
            out.add(new Statement(s, firstLine + newlines(raw, 0, raw.indexOf(s))));
        }
        sb.setLength(0);
    }
}
