package io.pgstream.jobs.sink.qdrant;

import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorSinkContractTestBase;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

/**
 * The sink contract against a real Qdrant server (1.16, for {@code update_filter}) in a container,
 * so the in-process server's semantics are checked against the real ones wherever Docker runs.
 * Skipped without Docker; the transient-fault case is skipped (a real server cannot be made
 * unavailable on demand here).
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantContainerContractITCase extends VectorSinkContractTestBase {

    @Container static final QdrantContainer QDRANT = new QdrantContainer("qdrant/qdrant:v1.16.2");

    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    private QdrantSinkConfig config;

    @BeforeEach
    void freshCollection() {
        config =
                QdrantSinkConfig.of(
                                "http://" + QDRANT.getHost() + ":" + QDRANT.getMappedPort(6334),
                                "contract_" + COLLECTIONS.incrementAndGet(),
                                DIMS)
                        .withBatchSize(3);
    }

    @Override
    protected BufferedVectorWriter writer(
            Duration maxLinger, ProcessingTimeService time, MetricGroup metrics, SinkRetry retry)
            throws Exception {
        return new QdrantWriter(config, maxLinger, time, metrics, retry);
    }

    private List<RetrievedPoint> points() throws Exception {
        try (QdrantConnection c = new QdrantConnection(config)) {
            if (!c.await(c.client().collectionExistsAsync(config.collection()), "checking")) {
                return List.of();
            }
            return c.await(
                            c.client()
                                    .scrollAsync(
                                            ScrollPoints.newBuilder()
                                                    .setCollectionName(config.collection())
                                                    .setLimit(1000)
                                                    .setWithPayload(
                                                            WithPayloadSelectorFactory.enable(true))
                                                    .setWithVectors(
                                                            WithVectorsSelectorFactory.enable(true))
                                                    .build()),
                            "scrolling")
                    .getResultList();
        }
    }

    private static String key(Map<String, Value> pl) {
        return pl.get("source_table").getStringValue()
                + ":"
                + pl.get("id").getStringValue()
                + "/"
                + pl.get("chunk").getIntegerValue();
    }

    @Override
    protected List<String> keys() throws Exception {
        List<String> keys = new ArrayList<>();
        for (RetrievedPoint p : points()) {
            keys.add(key(p.getPayloadMap()) + "@" + p.getPayloadMap().get("lsn").getIntegerValue());
        }
        keys.sort(null);
        return keys;
    }

    @Override
    protected Map<String, String> snapshot() throws Exception {
        Map<String, String> state = new TreeMap<>();
        for (RetrievedPoint p : points()) {
            state.put(
                    key(p.getPayloadMap()),
                    p.getVectors().toString() + new TreeMap<>(p.getPayloadMap()));
        }
        return state;
    }

    @Override
    protected String content(String table, String id, int chunk) throws Exception {
        for (RetrievedPoint p : points()) {
            if (key(p.getPayloadMap()).equals(table + ":" + id + "/" + chunk)) {
                return p.getPayloadMap().get("content").getStringValue();
            }
        }
        return null;
    }

    @Override
    protected AutoCloseable transientFault() {
        Assumptions.abort("a real server cannot be made unavailable on demand here");
        return null;
    }
}
