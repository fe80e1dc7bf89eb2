package io.pgstream.connector.snapshot;

/**
 * Splits one row of {@code COPY ... TO STDOUT} text format into fields, in place: tab-separated,
 * {@code \N} for NULL, backslash escapes ({@code \b \f \n \r \t \v \\}, octal {@code \ooo}, hex
 * {@code \xhh}, any other escaped character as itself). Fields without a backslash are reported as
 * slices of the row's own bytes; escaped ones are unescaped into a scratch buffer. No I/O.
 *
 * <p>Why COPY: a cursor fetch ({@code SELECT} with a fetch size) makes the server wait for the
 * client between batches, while COPY streams rows as fast as the client takes them; that is the
 * reference the snapshot is measured against.
 */
final class CopyTextFields {

    /** Receives each field of a row: its bytes, or {@code buf == null} for SQL NULL. */
    interface FieldSink {
        void field(int index, byte[] buf, int offset, int length);
    }

    private byte[] scratch = new byte[256];

    /** Reports every field of {@code row} (one CopyData message, a trailing newline allowed). */
    void split(byte[] row, FieldSink sink) {
        int end = row.length;
        if (end > 0 && row[end - 1] == '\n') {
            end--;
        }
        int index = 0;
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i <= end; i++) {
            if (i == end || row[i] == '\t') {
                emit(row, start, i, escaped, index++, sink);
                start = i + 1;
                escaped = false;
            } else if (row[i] == '\\') {
                escaped = true;
                i++; // the escaped byte is never a separator
            }
        }
    }

    private void emit(byte[] row, int from, int to, boolean escaped, int index, FieldSink sink) {
        if (to - from == 2 && row[from] == '\\' && row[from + 1] == 'N') {
            sink.field(index, null, 0, 0);
            return;
        }
        if (!escaped) {
            sink.field(index, row, from, to - from);
            return;
        }
        if (scratch.length < to - from) {
            scratch = new byte[Math.max(to - from, scratch.length * 2)];
        }
        int n = 0;
        int i = from;
        while (i < to) {
            byte b = row[i++];
            if (b != '\\' || i >= to) {
                scratch[n++] = b;
                continue;
            }
            byte c = row[i++];
            switch (c) {
                case 'b' -> scratch[n++] = '\b';
                case 'f' -> scratch[n++] = '\f';
                case 'n' -> scratch[n++] = '\n';
                case 'r' -> scratch[n++] = '\r';
                case 't' -> scratch[n++] = '\t';
                case 'v' -> scratch[n++] = 0x0B;
                case 'x' -> {
                    int v = 0;
                    int digits = 0;
                    while (digits < 2 && i < to && Character.digit(row[i], 16) >= 0) {
                        v = v * 16 + Character.digit(row[i++], 16);
                        digits++;
                    }
                    scratch[n++] = digits == 0 ? (byte) 'x' : (byte) v;
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int v = c - '0';
                        int digits = 1;
                        while (digits < 3 && i < to && row[i] >= '0' && row[i] <= '7') {
                            v = v * 8 + (row[i++] - '0');
                            digits++;
                        }
                        scratch[n++] = (byte) v;
                    } else {
                        scratch[n++] = c;
                    }
                }
            }
        }
        sink.field(index, scratch, 0, n);
    }
}
