package io.pgstream.jobs.sink.qdrant;

import io.qdrant.client.grpc.Collections.Distance;

/** The similarity a Qdrant collection is created with; {@link #COSINE} unless configured. */
public enum QdrantDistance {
    COSINE(Distance.Cosine),
    DOT(Distance.Dot),
    EUCLID(Distance.Euclid),
    MANHATTAN(Distance.Manhattan);

    private final Distance proto;

    QdrantDistance(Distance proto) {
        this.proto = proto;
    }

    Distance proto() {
        return proto;
    }
}
