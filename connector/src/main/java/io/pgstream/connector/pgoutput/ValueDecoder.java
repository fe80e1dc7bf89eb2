package io.pgstream.connector.pgoutput;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Converts one column value, as pgoutput sends it, into the typed Java value listed on {@link
 * io.pgstream.connector.event.ChangeEvent}. Text format ({@code t}) and binary format ({@code b})
 * of the same value decode to equal results.
 *
 * <p>SKELETON: text values come back as String and binary ones as byte[] until the value-decoding
 * work lands.
 */
public final class ValueDecoder {

    private final TypeRegistry types;

    public ValueDecoder(TypeRegistry types) {
        this.types = types;
    }

    /** Decodes a value in PostgreSQL's text output form (UTF-8 bytes). */
    public Object decodeText(int typeOid, byte[] buf, int offset, int length) {
        return new String(buf, offset, length, StandardCharsets.UTF_8);
    }

    /** Decodes a value in PostgreSQL's binary send form. */
    public Object decodeBinary(int typeOid, byte[] buf, int offset, int length) {
        return Arrays.copyOfRange(buf, offset, offset + length);
    }

    TypeRegistry types() {
        return types;
    }
}
