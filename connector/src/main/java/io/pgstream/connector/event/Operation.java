package io.pgstream.connector.event;

/** What a {@link ChangeEvent} did to its row. */
public enum Operation {
    /** A row inserted after the stream started. */
    INSERT("insert"),
    /** A row updated; {@link ChangeEvent#oldRow()} holds what the replica identity provides. */
    UPDATE("update"),
    /** A row deleted; only {@link ChangeEvent#oldRow()} is set. */
    DELETE("delete"),
    /** The whole table truncated; neither row is set. */
    TRUNCATE("truncate"),
    /** A row that existed before the stream started, read by the initial snapshot. */
    READ("read");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** The lower-case name used in JSON output ({@code insert}, {@code read}, ...). */
    public String code() {
        return code;
    }
}
