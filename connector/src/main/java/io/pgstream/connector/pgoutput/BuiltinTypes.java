package io.pgstream.connector.pgoutput;

import java.util.HashMap;
import java.util.Map;

/**
 * The built-in types the decoder maps, by their OIDs, which are fixed in PostgreSQL's initial
 * catalog and identical on every server. Names are those a {@code Type} message carries for a
 * domain (pgoutput names a domain by its base type, with the empty namespace for {@code
 * pg_catalog}).
 */
final class BuiltinTypes {

    /** OIDs below this are assigned by initdb; user types (enums, extensions) are at or above. */
    static final int FIRST_NORMAL_OID = 16384;

    private static final Map<Integer, ValueKind> KINDS = new HashMap<>();
    private static final Map<String, Integer> OIDS_BY_NAME = new HashMap<>();
    private static final Map<Integer, Integer> ELEMENT_OF_ARRAY = new HashMap<>();

    static {
        add(16, "bool", ValueKind.BOOL, 1000);
        add(21, "int2", ValueKind.INT2, 1005);
        add(23, "int4", ValueKind.INT4, 1007);
        add(20, "int8", ValueKind.INT8, 1016);
        add(26, "oid", ValueKind.OID, 1028);
        add(700, "float4", ValueKind.FLOAT4, 1021);
        add(701, "float8", ValueKind.FLOAT8, 1022);
        add(1700, "numeric", ValueKind.NUMERIC, 1231);
        add(25, "text", ValueKind.TEXT, 1009);
        add(1043, "varchar", ValueKind.TEXT, 1015);
        add(1042, "bpchar", ValueKind.TEXT, 1014);
        add(19, "name", ValueKind.TEXT, 1003);
        add(142, "xml", ValueKind.TEXT, 143);
        add(18, "char", ValueKind.CHAR, 1002);
        add(2950, "uuid", ValueKind.UUID, 2951);
        add(114, "json", ValueKind.JSON, 199);
        add(3802, "jsonb", ValueKind.JSONB, 3807);
        add(17, "bytea", ValueKind.BYTEA, 1001);
        add(1082, "date", ValueKind.DATE, 1182);
        add(1083, "time", ValueKind.TIME, 1183);
        add(1266, "timetz", ValueKind.TIMETZ, 1270);
        add(1114, "timestamp", ValueKind.TIMESTAMP, 1115);
        add(1184, "timestamptz", ValueKind.TIMESTAMPTZ, 1185);
        add(1186, "interval", ValueKind.INTERVAL, 1187);
        add(869, "inet", ValueKind.INET, 1041);
        add(650, "cidr", ValueKind.CIDR, 651);
        add(829, "macaddr", ValueKind.MACADDR, 1040);
        add(774, "macaddr8", ValueKind.MACADDR8, 775);
        add(790, "money", ValueKind.OTHER_BUILTIN, 791);
    }

    private static void add(int oid, String name, ValueKind kind, int arrayOid) {
        KINDS.put(oid, kind);
        OIDS_BY_NAME.put(name, oid);
        KINDS.put(arrayOid, ValueKind.ARRAY);
        OIDS_BY_NAME.put("_" + name, arrayOid);
        ELEMENT_OF_ARRAY.put(arrayOid, oid);
    }

    private BuiltinTypes() {}

    /** The kind of a built-in OID, or null when the OID is not one the decoder maps. */
    static ValueKind kind(int oid) {
        return KINDS.get(oid);
    }

    /** The OID of a {@code pg_catalog} type by name, or null. */
    static Integer oidByName(String name) {
        return OIDS_BY_NAME.get(name);
    }

    /** The element OID of a built-in array type, or 0. */
    static int elementOf(int arrayOid) {
        Integer e = ELEMENT_OF_ARRAY.get(arrayOid);
        return e == null ? 0 : e;
    }
}
