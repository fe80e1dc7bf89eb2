package io.pgstream.jobs.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.jobs.sink.BufferedVectorWriter;
import io.pgstream.jobs.sink.SinkRetry;
import io.pgstream.jobs.sink.VectorSinkContractTestBase;
import io.pgstream.jobs.testutils.TestingQdrantServer;
import io.pgstream.jobs.testutils.TestingQdrantServer.StoredPoint;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The sink contract against {@link TestingQdrantServer} through the official client. The transient
 * fault is the server answering every call with UNAVAILABLE until released. After each test the
 * server must have seen no request that broke its rules.
 */
class QdrantSinkContractTest extends VectorSinkContractTestBase {

    private TestingQdrantServer server;
    private QdrantSinkConfig config;

    @BeforeEach
    void start() throws Exception {
        server = TestingQdrantServer.start("k");
        config = QdrantSinkConfig.of(server.url(), "docs", DIMS).withApiKey("k").withBatchSize(3);
    }

    @AfterEach
    void stop() {
        assertThat(server.violations()).isEmpty();
        server.close();
    }

    @Override
    protected BufferedVectorWriter writer(
            Duration maxLinger, ProcessingTimeService time, MetricGroup metrics, SinkRetry retry)
            throws Exception {
        return new QdrantWriter(config, maxLinger, time, metrics, retry);
    }

    private Map<String, StoredPoint> points() {
        return server.hasCollection("docs") ? server.points("docs") : Map.of();
    }

    private static String key(StoredPoint p) {
        Map<String, Value> pl = p.payload();
        return pl.get("source_table").getStringValue()
                + ":"
                + pl.get("id").getStringValue()
                + "/"
                + pl.get("chunk").getIntegerValue();
    }

    @Override
    protected List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (StoredPoint p : points().values()) {
            keys.add(key(p) + "@" + p.payload().get("lsn").getIntegerValue());
        }
        keys.sort(null);
        return keys;
    }

    @Override
    protected Map<String, String> snapshot() {
        Map<String, String> state = new TreeMap<>();
        points().forEach(
                        (id, p) ->
                                state.put(
                                        id,
                                        Arrays.toString(p.vector()) + new TreeMap<>(p.payload())));
        return state;
    }

    @Override
    protected String content(String table, String id, int chunk) {
        StoredPoint p = points().get(QdrantPointIds.pointId(table, id, chunk).toString());
        return p == null ? null : p.payload().get("content").getStringValue();
    }

    @Override
    protected AutoCloseable transientFault() {
        server.failNextCalls(Integer.MAX_VALUE);
        return () -> server.failNextCalls(0);
    }
}
