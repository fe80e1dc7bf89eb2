package io.pgstream.jobs.embedding;

import io.pgstream.jobs.document.DocumentChange;
import java.io.Serializable;
import java.util.Objects;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * A {@link DocumentChange} with the key it is partitioned by in front of the embedding operator: a
 * row's {@link DocumentChange#rowKey()}, or for each copy of a TRUNCATE the routing key of one
 * parallel subtask (see {@link TruncateFanout}). Keeping the routing key beside the change leaves
 * {@code DocumentChange} untouched and lets one {@link #KEY} selector serve both partitioning and
 * the operator's keyed state.
 */
public final class RoutedChange implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Selects {@link #routingKey()}: key the stream with it before the embedding operator. */
    public static final KeySelector<RoutedChange, String> KEY = new RoutingKeySelector();

    private final DocumentChange change;
    private final String routingKey;

    private RoutedChange(DocumentChange change, String routingKey) {
        this.change = Objects.requireNonNull(change, "change");
        this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
    }

    /** A row change (upsert or delete), routed by its row key. */
    public static RoutedChange row(DocumentChange change) {
        if (change.kind() == DocumentChange.Kind.TRUNCATE) {
            throw new IllegalArgumentException(
                    "a TRUNCATE goes to every subtask: route it with TruncateFanout");
        }
        return new RoutedChange(change, change.rowKey());
    }

    /** One copy of a TRUNCATE, routed to the subtask that owns {@code routingKey}. */
    public static RoutedChange truncateCopy(DocumentChange truncate, String routingKey) {
        if (truncate.kind() != DocumentChange.Kind.TRUNCATE) {
            throw new IllegalArgumentException("not a TRUNCATE: " + truncate);
        }
        return new RoutedChange(truncate, routingKey);
    }

    public DocumentChange change() {
        return change;
    }

    public String routingKey() {
        return routingKey;
    }

    @Override
    public String toString() {
        return change.toString();
    }

    private static final class RoutingKeySelector implements KeySelector<RoutedChange, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RoutedChange value) {
            return value.routingKey;
        }
    }
}
