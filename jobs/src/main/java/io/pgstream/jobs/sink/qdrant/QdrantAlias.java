package io.pgstream.jobs.sink.qdrant;

import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.CreateAlias;
import io.qdrant.client.grpc.Collections.DeleteAlias;
import java.io.IOException;
import java.util.List;

/**
 * The name searches use ({@code sink.alias}) as a Qdrant collection alias of the live collection,
 * so an index can be rebuilt beside it and switched to in one {@code UpdateCollectionAliases}
 * request: Qdrant applies its actions together, so a search of the alias reads the old collection
 * or the new one, never a missing alias or a half-built collection.
 */
public final class QdrantAlias {

    private final String alias;

    public QdrantAlias(String alias) {
        this.alias = alias;
    }

    /**
     * Creates the alias of the connection's collection when no alias has its name; an existing
     * alias is left alone, whatever it points at (after a reindex, the new collection).
     *
     * @throws IOException when a collection has the alias's name, or Qdrant fails
     */
    public void ensure(QdrantConnection q) throws IOException {
        if (target(q) != null) {
            return;
        }
        if (q.await(q.client().collectionExistsAsync(alias), "checking sink.alias " + alias)) {
            throw new IOException(
                    "sink.alias "
                            + alias
                            + " is the name of a Qdrant collection, and an alias cannot have a"
                            + " collection's name: choose another name for the alias");
        }
        q.await(
                q.client()
                        .updateAliasesAsync(
                                List.of(create(q.config().collection())), q.config().timeout()),
                "creating alias " + alias);
    }

    /**
     * Points the alias at the connection's collection in one request: delete (a no-op when the
     * alias is missing) and create.
     */
    public void switchTo(QdrantConnection q) throws IOException {
        q.await(
                q.client()
                        .updateAliasesAsync(
                                List.of(
                                        AliasOperations.newBuilder()
                                                .setDeleteAlias(
                                                        DeleteAlias.newBuilder()
                                                                .setAliasName(alias))
                                                .build(),
                                        create(q.config().collection())),
                                q.config().timeout()),
                "switching alias " + alias);
    }

    /** The collection the alias points at; null when there is no such alias. */
    public String target(QdrantConnection q) throws IOException {
        List<AliasDescription> all =
                q.await(q.client().listAliasesAsync(q.config().timeout()), "listing aliases");
        for (AliasDescription a : all) {
            if (a.getAliasName().equals(alias)) {
                return a.getCollectionName();
            }
        }
        return null;
    }

    private AliasOperations create(String collection) {
        return AliasOperations.newBuilder()
                .setCreateAlias(
                        CreateAlias.newBuilder().setAliasName(alias).setCollectionName(collection))
                .build();
    }
}
