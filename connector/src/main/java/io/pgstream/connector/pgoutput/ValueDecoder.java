package io.pgstream.connector.pgoutput;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Converts one column value, as pgoutput sends it, into the typed Java value listed on {@link
 * io.pgstream.connector.event.ChangeEvent}. Text format ({@code t}) and binary format ({@code b})
 * of the same value decode to equal results; the differential test proves it over every mapped
 * type.
 *
 * <p>One-dimensional arrays become a {@code List} whose elements decode like the element type (SQL
 * NULL elements are null). Arrays with more dimensions keep their text form as a {@code String}.
 * Types without a mapping keep their text form too; in binary format, a type whose send form is not
 * its text (a composite, a range, {@code money}) stays {@code byte[]}: use text format, the
 * default, for such columns.
 */
public final class ValueDecoder {

    private final TypeRegistry types;

    public ValueDecoder(TypeRegistry types) {
        this.types = types;
    }

    /** Decodes a value in PostgreSQL's text output form (UTF-8 bytes). */
    public Object decodeText(int typeOid, byte[] buf, int offset, int length) {
        return decodeText(typeOid, new String(buf, offset, length, StandardCharsets.UTF_8));
    }

    /** Decodes a value already in hand as text (a snapshot query's result, say). */
    public Object decodeText(int typeOid, String text) {
        try {
            return fromText(typeOid, text);
        } catch (RuntimeException e) {
            throw new PgOutputException(
                    "cannot decode text value of type "
                            + types.describe(typeOid)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Decodes a value in PostgreSQL's binary send form. */
    public Object decodeBinary(int typeOid, byte[] buf, int offset, int length) {
        return decodeBinary(typeOid, types.kind(typeOid), buf, offset, length);
    }

    private Object decodeBinary(int typeOid, ValueKind kind, byte[] buf, int offset, int length) {
        try {
            return fromBinary(typeOid, kind, buf, offset, length);
        } catch (RuntimeException e) {
            throw new PgOutputException(
                    "cannot decode binary value of type "
                            + types.describe(typeOid)
                            + " ("
                            + length
                            + " bytes): "
                            + e,
                    e);
        }
    }

    private Object fromText(int typeOid, String s) {
        ValueKind kind = types.kind(typeOid);
        if (kind != ValueKind.ARRAY) {
            return TextValues.scalar(kind, s);
        }
        List<String> texts = ArrayText.split(s);
        if (texts == null) {
            return s;
        }
        int element = types.elementOf(typeOid);
        List<Object> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(t == null ? null : element == 0 ? t : fromText(element, t));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A binary decoder for one column type, with the type's kind looked up once rather than per
     * value: a snapshot chunk decodes thousands of values of the same few types.
     */
    public BinaryColumn binaryColumn(int typeOid) {
        ValueKind kind = types.kind(typeOid);
        return (buf, offset, length) -> decodeBinary(typeOid, kind, buf, offset, length);
    }

    /** Decodes values of one type in binary send form; see {@link #binaryColumn}. */
    @FunctionalInterface
    public interface BinaryColumn {
        Object decode(byte[] buf, int offset, int length);
    }

    private Object fromBinary(int typeOid, byte[] buf, int offset, int length) {
        return fromBinary(typeOid, types.kind(typeOid), buf, offset, length);
    }

    private Object fromBinary(int typeOid, ValueKind kind, byte[] buf, int offset, int length) {
        if (kind == ValueKind.ARRAY) {
            return binaryArray(typeOid, buf, offset, length);
        }
        Object value = BinaryValues.scalar(kind, buf, offset, length);
        if (kind == ValueKind.OTHER_USER && value instanceof byte[]) {
            // Not text-like: a composite's send form can be written back as its text form.
            String record = RecordText.render(buf, offset, length, this::fromBinary);
            return record != null ? record : value;
        }
        return value;
    }

    /**
     * {@code ndim(4) hasnull(4) elemtype(4) [size(4) lbound(4)]*ndim [len(4) bytes]*}, elements in
     * row-major order, length -1 for NULL.
     */
    private Object binaryArray(int typeOid, byte[] buf, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(buf, offset, length);
        int ndim = in.getInt();
        in.getInt();
        int elementOid = in.getInt();
        int[] dims = new int[ndim];
        int[] lowerBounds = new int[ndim];
        int count = ndim == 0 ? 0 : 1;
        for (int d = 0; d < ndim; d++) {
            dims[d] = in.getInt();
            lowerBounds[d] = in.getInt();
            count *= dims[d];
        }
        // Arrays of user types keep element texts in text format; match that here.
        boolean asText = types.elementOf(typeOid) == 0;
        List<Object> elements = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int len = in.getInt();
            if (len < 0) {
                elements.add(null);
                continue;
            }
            Object v = fromBinary(elementOid, buf, in.position(), len);
            in.position(in.position() + len);
            if (asText || ndim > 1) {
                String text = ArrayText.elementText(v);
                if (text == null) {
                    return Arrays.copyOfRange(buf, offset, offset + length);
                }
                v = text;
            }
            elements.add(v);
        }
        if (ndim <= 1) {
            return Collections.unmodifiableList(elements);
        }
        StringBuilder sb = new StringBuilder();
        return ArrayText.write(sb, elements, dims, lowerBounds)
                ? sb.toString()
                : Arrays.copyOfRange(buf, offset, offset + length);
    }

    /**
     * Whether {@link #decodeBinary} gives the same value as {@link #decodeText} for every value of
     * this type: true for the mapped types and one-dimensional arrays of them, false for those kept
     * as text ({@code money}, ranges, composites, enums and other user types).
     */
    public boolean binaryMatchesText(int typeOid) {
        ValueKind kind = types.kind(typeOid);
        if (kind == ValueKind.ARRAY) {
            int element = types.elementOf(typeOid);
            return element != 0 && binaryMatchesText(element);
        }
        return kind != ValueKind.OTHER_BUILTIN && kind != ValueKind.OTHER_USER;
    }

    TypeRegistry types() {
        return types;
    }
}
