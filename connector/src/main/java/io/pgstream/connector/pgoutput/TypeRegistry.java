package io.pgstream.connector.pgoutput;

import java.util.HashMap;
import java.util.Map;

/**
 * What the decoder knows about type OIDs: the built-in ones by their fixed OIDs ({@link
 * BuiltinTypes}), and the types named by {@code Type} messages. pgoutput sends a Type message
 * before the first Relation that uses a type outside the initial catalog; it names a domain by its
 * <em>base</em> type, so a domain over {@code integer} decodes as an {@code Integer}, and it names
 * pgvector's type {@code vector}, which is how vectors become {@code float[]} without any catalog
 * query.
 */
public final class TypeRegistry {

    private final Map<Integer, String> named = new HashMap<>();
    private final Map<Integer, Integer> aliases = new HashMap<>();
    private final Map<Integer, ValueKind> kinds = new HashMap<>();

    /** Records a type named by a {@code Type} message; the empty namespace is pg_catalog. */
    public void register(int oid, String namespace, String name) {
        named.put(oid, namespace.isEmpty() ? name : namespace + "." + name);
        aliases.remove(oid);
        kinds.remove(oid);
        Integer builtin = namespace.isEmpty() ? BuiltinTypes.oidByName(name) : null;
        if (builtin != null) {
            aliases.put(oid, builtin);
        } else if (name.equals("vector")) {
            kinds.put(oid, ValueKind.VECTOR);
        } else if (name.startsWith("_")) {
            // An array of a user type: its elements carry their own OID in binary format; in
            // text format they keep their text form.
            kinds.put(oid, ValueKind.ARRAY);
        }
    }

    /** Whether this OID is pgvector's {@code vector}, as named by a Type message. */
    public boolean isVector(int oid) {
        return kind(oid) == ValueKind.VECTOR;
    }

    /** A human-readable name for error messages. */
    public String describe(int oid) {
        String n = named.get(oid);
        return n != null ? n + " (oid " + oid + ")" : "oid " + oid;
    }

    /** How values of this OID decode. */
    ValueKind kind(int oid) {
        int resolved = resolve(oid);
        ValueKind builtin = BuiltinTypes.kind(resolved);
        if (builtin != null) {
            return builtin;
        }
        ValueKind k = kinds.get(resolved);
        if (k != null) {
            return k;
        }
        return resolved < BuiltinTypes.FIRST_NORMAL_OID
                ? ValueKind.OTHER_BUILTIN
                : ValueKind.OTHER_USER;
    }

    /**
     * The element OID of an array type for text-format decoding, or 0 when it is unknown (arrays of
     * user types), in which case elements keep their text form.
     */
    int elementOf(int arrayOid) {
        return BuiltinTypes.elementOf(resolve(arrayOid));
    }

    private int resolve(int oid) {
        Integer alias = aliases.get(oid);
        return alias == null ? oid : alias;
    }
}
