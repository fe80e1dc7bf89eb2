package io.pgstream.connector.pgoutput;

import io.pgstream.connector.pgoutput.PgOutputMessage.Relation;
import io.pgstream.connector.pgoutput.PgOutputMessage.RelationColumn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest Relation message per relation id, in the flattened form the assembler needs per row. A
 * new Relation message for the same id (ALTER TABLE) replaces the old one from that point on, which
 * is exactly pgoutput's contract: it re-sends the relation before the first change that uses the
 * new shape.
 */
public final class RelationCache {

    /** A relation's columns as parallel arrays, for the per-row loop. */
    public static final class Entry {
        final String schema;
        final String table;
        final String[] names;
        final int[] typeOids;
        final boolean[] key;

        Entry(Relation relation) {
            this.schema = relation.namespace();
            this.table = relation.name();
            List<RelationColumn> columns = relation.columns();
            int n = columns.size();
            names = new String[n];
            typeOids = new int[n];
            key = new boolean[n];
            for (int i = 0; i < n; i++) {
                RelationColumn c = columns.get(i);
                names[i] = c.name();
                typeOids[i] = c.typeOid();
                key[i] = c.key();
            }
        }

        public String schema() {
            return schema;
        }

        public String table() {
            return table;
        }
    }

    private final Map<Integer, Entry> relations = new HashMap<>();

    public void put(Relation relation) {
        relations.put(relation.relationId(), new Entry(relation));
    }

    /**
     * @throws PgOutputException when no Relation message was seen for the id, which means the
     *     stream was not read from a transaction boundary
     */
    public Entry get(int relationId) {
        Entry entry = relations.get(relationId);
        if (entry == null) {
            throw new PgOutputException(
                    "Change for relation oid "
                            + Integer.toUnsignedString(relationId)
                            + " before any Relation message for it");
        }
        return entry;
    }

    public int size() {
        return relations.size();
    }
}
