package io.pgstream.connector.table;

import java.io.Serializable;

/**
 * One column of a PostgreSQL table as the catalog describes it, with domains resolved to their base
 * type (pgoutput sends a domain's values as its base type's).
 *
 * @param name the column name as stored
 * @param displayType the declared type as {@code format_type} prints it, for messages: {@code
 *     numeric(12,2)}, {@code character varying(20)}, {@code text[]}
 * @param typeName the base type's name: {@code int4}, {@code numeric}, {@code _text}, {@code
 *     vector}, an enum's name, ...
 * @param typeType {@code pg_type.typtype} of the base type: {@code b}ase, {@code e}num, {@code
 *     c}omposite, {@code r}ange, {@code m}ultirange, {@code p}seudo
 * @param typmod the type modifier ({@code -1} when unconstrained)
 * @param element for an array, its element (named {@code name[]}); otherwise null
 * @param notNull whether the column is declared NOT NULL
 * @param storage {@code pg_attribute.attstorage}: {@code p} (plain) is never TOASTed out of line
 */
public record PgColumn(
        String name,
        String displayType,
        String typeName,
        char typeType,
        int typmod,
        PgColumn element,
        boolean notNull,
        char storage)
        implements Serializable {

    /** Whether this is an array (its {@link #element()} describes the elements). */
    public boolean isArray() {
        return element != null;
    }

    /** Whether a large value may be stored out of line, so an UPDATE may not resend it. */
    public boolean toastable() {
        return storage != 'p';
    }
}
