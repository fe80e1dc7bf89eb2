package io.pgstream.connector.event;

import java.io.Serializable;

/**
 * A PostgreSQL {@code interval}: months, days and microseconds are kept apart exactly as the server
 * stores them, because neither a month nor a day has a fixed length.
 */
public record PgInterval(int months, int days, long microseconds) implements Serializable {}
