package io.pgstream.jobs.testutils;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.ChangeAliases;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.RenameAlias;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The collection aliases of {@link TestingQdrantServer}, as Qdrant keeps them: a map alias →
 * collection that every collection name of a request is resolved through. One {@code
 * UpdateCollectionAliases} request is applied whole or not at all: its actions are checked and
 * applied to a copy, which replaces the map in one step, so a concurrent read sees the aliases
 * before the request or after it. Errors as Qdrant's: creating an alias of a missing collection,
 * NOT_FOUND {@code Collection `x` doesn't exist!}; an alias with a collection's name,
 * ALREADY_EXISTS {@code Collection `x` already exists!}; renaming a missing alias, NOT_FOUND {@code
 * Alias x does not exists!}; deleting a missing alias is no error.
 */
final class TestingQdrantAliases {

    private volatile Map<String, String> aliases = Map.of();

    /** The collection {@code name} stands for: its alias's target, else the name itself. */
    String resolve(String name) {
        return aliases.getOrDefault(name, name);
    }

    boolean isAlias(String name) {
        return aliases.containsKey(name);
    }

    /** A snapshot, alias → collection. */
    Map<String, String> all() {
        return aliases;
    }

    List<AliasDescription> describe(Predicate<String> collection) {
        return aliases.entrySet().stream()
                .filter(e -> collection.test(e.getValue()))
                .map(
                        e ->
                                AliasDescription.newBuilder()
                                        .setAliasName(e.getKey())
                                        .setCollectionName(e.getValue())
                                        .build())
                .toList();
    }

    /**
     * Applies the request's actions together.
     *
     * @param isCollection whether a collection (not an alias) has the name
     * @throws StatusRuntimeException as Qdrant answers, nothing applied
     */
    synchronized void update(ChangeAliases request, Predicate<String> isCollection) {
        Map<String, String> next = new LinkedHashMap<>(aliases);
        for (AliasOperations op : request.getActionsList()) {
            if (op.hasCreateAlias()) {
                CreateAlias c = op.getCreateAlias();
                if (!isCollection.test(c.getCollectionName())) {
                    throw error(
                            Status.NOT_FOUND,
                            "Collection `" + c.getCollectionName() + "` doesn't exist!");
                }
                if (isCollection.test(c.getAliasName())) {
                    throw error(
                            Status.ALREADY_EXISTS,
                            "Collection `" + c.getAliasName() + "` already exists!");
                }
                next.put(c.getAliasName(), c.getCollectionName());
            } else if (op.hasDeleteAlias()) {
                next.remove(op.getDeleteAlias().getAliasName());
            } else if (op.hasRenameAlias()) {
                RenameAlias r = op.getRenameAlias();
                String target = next.remove(r.getOldAliasName());
                if (target == null) {
                    throw error(
                            Status.NOT_FOUND, "Alias " + r.getOldAliasName() + " does not exists!");
                }
                next.put(r.getNewAliasName(), target);
            } else {
                throw error(Status.INVALID_ARGUMENT, "Unknown alias action");
            }
        }
        aliases = Map.copyOf(next);
    }

    /** Drops the aliases of a deleted collection, as Qdrant does. */
    synchronized void removeCollection(String collection) {
        Map<String, String> next = new LinkedHashMap<>(aliases);
        next.values().removeIf(collection::equals);
        aliases = Map.copyOf(next);
    }

    private static StatusRuntimeException error(Status status, String description) {
        return status.withDescription(description).asRuntimeException();
    }
}
