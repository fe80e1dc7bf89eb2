package io.pgstream.connector.pgoutput;

import java.util.HashMap;
import java.util.Map;

/**
 * What the decoder knows about type OIDs: the built-in ones by their fixed OIDs, and types named by
 * {@code Type} messages (pgoutput sends one before the first Relation that uses a non-built-in
 * type), which is how pgvector's {@code vector} is recognised without any catalog query.
 *
 * <p>SKELETON: the value-decoding work fills in the built-in table and array element mapping.
 */
public final class TypeRegistry {

    private final Map<Integer, String> named = new HashMap<>();

    /** Records a type named by a {@code Type} message. */
    public void register(int oid, String namespace, String name) {
        named.put(oid, namespace + "." + name);
    }

    /** Whether this OID is pgvector's {@code vector}, as named by a Type message. */
    public boolean isVector(int oid) {
        String n = named.get(oid);
        return n != null && n.endsWith(".vector");
    }

    /** A human-readable name for error messages. */
    public String describe(int oid) {
        String n = named.get(oid);
        return n != null ? n + " (oid " + oid + ")" : "oid " + oid;
    }
}
