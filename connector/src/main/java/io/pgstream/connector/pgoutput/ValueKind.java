package io.pgstream.connector.pgoutput;

/** How a column's value is decoded: one constant per Java representation and wire layout. */
enum ValueKind {
    BOOL,
    INT2,
    INT4,
    INT8,
    /** {@code oid}: unsigned 32 bits, so a {@code Long}. */
    OID,
    FLOAT4,
    FLOAT8,
    NUMERIC,
    /** text, varchar, bpchar, name, xml: the send form is the text itself. */
    TEXT,
    /** The one-byte {@code "char"} type. */
    CHAR,
    UUID,
    JSON,
    JSONB,
    BYTEA,
    DATE,
    TIME,
    TIMETZ,
    TIMESTAMP,
    TIMESTAMPTZ,
    INTERVAL,
    INET,
    CIDR,
    MACADDR,
    MACADDR8,
    /** pgvector's {@code vector}, recognised by name from a Type message. */
    VECTOR,
    /** A built-in type without a dedicated mapping (money, point, tsvector, ranges, ...). */
    OTHER_BUILTIN,
    /** A user-defined type (enum, composite, extension type) without a dedicated mapping. */
    OTHER_USER,
    /** Any array type; its element type comes from the array itself or the registry. */
    ARRAY
}
