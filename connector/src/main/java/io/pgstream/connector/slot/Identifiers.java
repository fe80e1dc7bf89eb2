package io.pgstream.connector.slot;

/**
 * Quotes SQL identifiers for the few statements that cannot take bound parameters ({@code CREATE
 * PUBLICATION}, {@code ALTER PUBLICATION}, {@code DROP PUBLICATION}).
 *
 * <p>Every name that reaches SQL text goes through {@link #quote(String)}; names used in queries go
 * through bound parameters instead. Always quoting (rather than only when needed, as {@code
 * quote_ident} does) keeps this free of a reserved-word list that would age with each release.
 */
public final class Identifiers {
    private Identifiers() {}

    /**
     * Returns {@code name} as a quoted identifier, doubling embedded double quotes: {@code a"b}
     * becomes {@code "a""b"}.
     *
     * @throws IllegalArgumentException for an empty name or one containing a NUL character, which
     *     PostgreSQL cannot store
     */
    public static String quote(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Empty SQL identifier");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "SQL identifier contains a NUL character: " + name.replace('\0', '?'));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * Returns {@code text} as a SQL string literal, doubling embedded single quotes. Only for the
     * fixes that error messages suggest, which a person copies into psql; queries bind values.
     */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }
}
