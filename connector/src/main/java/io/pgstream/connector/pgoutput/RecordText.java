package io.pgstream.connector.pgoutput;

import java.nio.ByteBuffer;

/**
 * Writes a composite value's text form ({@code (1,"a b",)}) from its binary send form, so that a
 * composite column decodes to the same {@code String} in binary format as in text format. The send
 * form is {@code ncolumns(4) [oid(4) length(4) bytes]*}, length -1 for NULL.
 */
final class RecordText {

    /** PostgreSQL's limit on the columns of a row type. */
    private static final int MAX_COLUMNS = 1600;

    /** Decodes one field, as {@link ValueDecoder} does for a column of that type. */
    interface FieldDecoder {
        Object decode(int typeOid, byte[] buf, int offset, int length);
    }

    private RecordText() {}

    /**
     * The text form, or null when the bytes are not a record or a field's text form cannot be
     * reproduced exactly (the caller then keeps the raw bytes).
     */
    static String render(byte[] b, int off, int len, FieldDecoder fields) {
        if (len < 4) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        int columns = in.getInt();
        if (columns < 0 || columns > MAX_COLUMNS) {
            return null;
        }
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < columns; k++) {
            if (in.remaining() < 8) {
                return null;
            }
            int oid = in.getInt();
            int length = in.getInt();
            if (k > 0) {
                sb.append(',');
            }
            if (length == -1) {
                continue; // NULL is an empty field
            }
            if (length < 0 || length > in.remaining()) {
                return null;
            }
            Object value = fields.decode(oid, b, in.position(), length);
            in.position(in.position() + length);
            String text = value instanceof String ? (String) value : ArrayText.elementText(value);
            if (text == null) {
                return null;
            }
            appendField(sb, text);
        }
        if (in.hasRemaining()) {
            return null;
        }
        return sb.append(')').toString();
    }

    /**
     * record_out's rule: quote when empty or holding a quote, backslash, parenthesis, comma or
     * space.
     */
    private static void appendField(StringBuilder sb, String text) {
        boolean quote = text.isEmpty();
        for (int k = 0; k < text.length() && !quote; k++) {
            char ch = text.charAt(k);
            quote =
                    ch == '"'
                            || ch == '\\'
                            || ch == '('
                            || ch == ')'
                            || ch == ','
                            || Character.isWhitespace(ch);
        }
        if (!quote) {
            sb.append(text);
            return;
        }
        sb.append('"');
        for (int k = 0; k < text.length(); k++) {
            char ch = text.charAt(k);
            if (ch == '"' || ch == '\\') {
                sb.append(ch);
            }
            sb.append(ch);
        }
        sb.append('"');
    }
}
