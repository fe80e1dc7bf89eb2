package io.pgstream.connector.pgoutput;

/** Built-in type OIDs the fixture tests name (fixed in PostgreSQL's catalog). */
final class TypeRegistryOids {
    static final int INT4 = 23;
    static final int INT8 = 20;
    static final int TEXT = 25;
    static final int NUMERIC = 1700;
    static final int TEXT_ARRAY = 1009;
    static final int TIMESTAMPTZ = 1184;

    private TypeRegistryOids() {}
}
