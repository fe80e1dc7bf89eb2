package io.pgstream.connector.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * A {@code json} or {@code jsonb} value, kept as its JSON text.
 *
 * <p>A separate type (not {@link String}) so that serializers can embed it as JSON rather than
 * quote it, and so that a {@code text} column holding JSON-looking text is never mistaken for it.
 */
public record PgJson(String json) implements Serializable {
    public PgJson {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public String toString() {
        return json;
    }
}
