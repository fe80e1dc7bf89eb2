package io.pgstream.jobs.document;

import io.pgstream.connector.slot.Identifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code SELECT "a"::text, "b"::text FROM relation}: columns read in PostgreSQL's text form, the
 * form pgoutput sends them in. The sync's current-row reads and {@code reconcile} both read rows
 * through this, so a template renders a value alike whether it came from the WAL or a query.
 */
public final class TextSelect {
    private TextSelect() {}

    /**
     * @param relation an already quoted relation name
     */
    public static String from(List<String> columns, String relation) {
        return "SELECT "
                + columns.stream()
                        .map(c -> Identifiers.quote(c) + "::text")
                        .collect(Collectors.joining(", "))
                + " FROM "
                + relation;
    }
}
