package io.pgstream.connector.pgoutput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the text that PostgreSQL's {@code test_decoding} plugin writes (with {@code
 * include-xids}), an independent decoder used as the oracle of the differential test.
 *
 * <p>Lines look like {@code table public.t: UPDATE: old-key: id[integer]:2 new-tuple: id[integer]:3
 * name[text]:'it''s'}. Values are PostgreSQL's text output, quoted unless numeric or boolean;
 * {@code null} and {@code unchanged-toast-datum} are markers.
 */
final class TestDecodingOutput {

    /** Marks a column test_decoding printed as {@code unchanged-toast-datum}. */
    static final String UNCHANGED_TOAST = "\u0000unchanged-toast-datum";

    record Change(
            String op,
            List<String> tables,
            Map<String, String> oldValues,
            Map<String, String> newValues,
            String truncateFlags) {}

    record Tx(long xid, List<Change> changes) {}

    private TestDecodingOutput() {}

    static List<Tx> parse(List<String> lines) {
        List<Tx> txs = new ArrayList<>();
        List<Change> current = null;
        long xid = 0;
        for (String line : lines) {
            if (line.startsWith("BEGIN ")) {
                xid = Long.parseLong(line.substring(6).trim());
                current = new ArrayList<>();
            } else if (line.startsWith("COMMIT ")) {
                txs.add(new Tx(xid, current));
                current = null;
            } else if (line.startsWith("table ")) {
                if (current == null) {
                    throw new IllegalStateException("change outside BEGIN/COMMIT: " + line);
                }
                current.add(change(line));
            } else if (!line.startsWith("message:")) {
                throw new IllegalStateException("Unexpected test_decoding line: " + line);
            }
        }
        return txs;
    }

    private static Change change(String line) {
        int opStart = line.indexOf(": ", 6);
        List<String> tables = new ArrayList<>();
        for (String t : line.substring(6, opStart).split(", ")) {
            tables.add(t);
        }
        int opEnd = line.indexOf(':', opStart + 2);
        String op = line.substring(opStart + 2, opEnd);
        String rest = line.substring(opEnd + 1).trim();
        switch (op) {
            case "TRUNCATE":
                return new Change(op, tables, null, null, rest);
            case "INSERT":
                return new Change(op, tables, null, columns(rest), null);
            case "DELETE":
                return new Change(
                        op,
                        tables,
                        rest.equals("(no-tuple-data)") ? Map.of() : columns(rest),
                        null,
                        null);
            case "UPDATE":
                if (rest.startsWith("old-key: ")) {
                    int split = rest.indexOf(" new-tuple: ");
                    return new Change(
                            op,
                            tables,
                            columns(rest.substring(9, split)),
                            columns(rest.substring(split + 12)),
                            null);
                }
                return new Change(op, tables, null, columns(rest), null);
            default:
                throw new IllegalStateException("Unknown operation in: " + line);
        }
    }

    /** Parses {@code name[type]:value name[type]:value ...}. */
    static Map<String, String> columns(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            int bracket = s.indexOf('[', i);
            String name = s.substring(i, bracket);
            int typeEnd = s.indexOf("]:", bracket);
            int v = typeEnd + 2;
            String value;
            if (s.charAt(v) == '\'') {
                StringBuilder sb = new StringBuilder();
                int j = v + 1;
                while (true) {
                    char c = s.charAt(j);
                    if (c == '\'') {
                        if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                            sb.append('\'');
                            j += 2;
                            continue;
                        }
                        j++;
                        break;
                    }
                    sb.append(c);
                    j++;
                }
                value = sb.toString();
                i = j;
            } else {
                int end = s.indexOf(' ', v);
                if (end < 0) {
                    end = s.length();
                }
                String raw = s.substring(v, end);
                value =
                        raw.equals("null")
                                ? null
                                : raw.equals("unchanged-toast-datum") ? UNCHANGED_TOAST : raw;
                i = end;
            }
            out.put(name, value);
            while (i < s.length() && s.charAt(i) == ' ') {
                i++;
            }
        }
        return out;
    }
}
