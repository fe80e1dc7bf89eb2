package io.pgstream.jobs.testutils;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections.CollectionConfig;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.GetCollectionInfoRequest;
import io.qdrant.client.grpc.Collections.GetCollectionInfoResponse;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Struct;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.DenseVector;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.GetResponse;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.qdrant.client.grpc.Points.SearchResponse;
import io.qdrant.client.grpc.Points.SetPayloadPoints;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.VectorOutput;
import io.qdrant.client.grpc.Points.VectorsOutput;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process Qdrant on a real localhost port, built on the client's own generated gRPC service
 * classes ({@code QdrantGrpc}, {@code CollectionsGrpc}, {@code PointsGrpc}), so the writer talks
 * the real protocol through the real client and transport. It keeps collections in memory and
 * checks every request the way pgstream relies on Qdrant: the {@code api-key} header when one is
 * configured, the collection exists, point ids are version-5 UUIDs, vectors have the collection's
 * size, every update carries {@code wait=true}. A failed check is answered with an error and
 * recorded in {@link #violations()}, which tests assert empty.
 *
 * <p>Filters support what the writer sends: {@code must}/{@code should}/{@code must_not}, keyword
 * and integer matches, ranges, {@code has_id}, nested filters. An upsert's {@code update_filter}
 * behaves as in Qdrant 1.16: an existing point that does not match it is left unchanged (no error),
 * a missing point is inserted. {@link #failNextCalls} answers calls with UNAVAILABLE. {@code
 * set_payload} with a key merges into the object under that key, without one into the top level.
 * {@code scroll} pages through points in id order with a filter, as {@code pgstream reconcile}
 * reads.
 */
public final class TestingQdrantServer implements AutoCloseable {

    /** A stored point. */
    public record StoredPoint(float[] vector, Map<String, Value> payload) {}

    private record Collection(int size, Map<String, StoredPoint> points) {}

    private static final Metadata.Key<String> API_KEY =
            Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final String apiKey;
    private final Server server;
    private final Map<String, Collection> collections = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();

    private TestingQdrantServer(String apiKey) throws IOException {
        this.apiKey = apiKey;
        ServerInterceptor auth =
                new ServerInterceptor() {
                    @Override
                    public <Q, R> ServerCall.Listener<Q> interceptCall(
                            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            call.close(
                                    Status.UNAVAILABLE.withDescription("testing fault"),
                                    new Metadata());
                            return new ServerCall.Listener<>() {};
                        }
                        if (apiKey != null && !apiKey.equals(headers.get(API_KEY))) {
                            call.close(
                                    Status.UNAUTHENTICATED.withDescription("Invalid api-key"),
                                    new Metadata());
                            return new ServerCall.Listener<>() {};
                        }
                        return next.startCall(call, headers);
                    }
                };
        this.server =
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                        .addService(ServerInterceptors.intercept(new Health(), auth))
                        .addService(ServerInterceptors.intercept(new Collections(), auth))
                        .addService(ServerInterceptors.intercept(new Points(), auth))
                        .build()
                        .start();
    }

    /** Starts a server; {@code apiKey} null accepts calls without a key. */
    public static TestingQdrantServer start(String apiKey) throws IOException {
        return new TestingQdrantServer(apiKey);
    }

    public int port() {
        return server.getPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Creates a collection as if someone else had, for tests of existing collections. */
    public void createCollection(String name, int size) {
        collections.put(name, new Collection(size, new ConcurrentHashMap<>()));
    }

    public boolean hasCollection(String name) {
        return collections.containsKey(name);
    }

    public int vectorSize(String name) {
        return collections.get(name).size();
    }

    /** The collection's points by UUID. */
    public Map<String, StoredPoint> points(String collection) {
        return Map.copyOf(collections.get(collection).points());
    }

    /** Answers the next {@code n} calls with UNAVAILABLE, as a restarting server does. */
    public void failNextCalls(int n) {
        unavailable.set(n);
    }

    /** How many of the calls {@link #failNextCalls} asked to refuse are still to come. */
    public int remainingFailures() {
        return unavailable.get();
    }

    /** Every request that broke a rule pgstream must follow. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** The RPC names received, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private <T> boolean refuse(StreamObserver<T> out, Status status, String why) {
        violations.add(why);
        out.onError(status.withDescription(why).asRuntimeException());
        return false;
    }

    private Collection collection(String name, StreamObserver<?> out) {
        Collection c = collections.get(name);
        if (c == null) {
            out.onError(
                    Status.NOT_FOUND
                            .withDescription("Collection `" + name + "` doesn't exist!")
                            .asRuntimeException());
        }
        return c;
    }

    private boolean waited(boolean wait, String call, StreamObserver<?> out) {
        return wait || refuse(out, Status.INVALID_ARGUMENT, call + " without wait=true");
    }

    private static PointsOperationResponse done() {
        return PointsOperationResponse.newBuilder()
                .setResult(UpdateResult.newBuilder().setStatus(UpdateStatus.Completed))
                .build();
    }

    private final class Health extends QdrantGrpc.QdrantImplBase {
        @Override
        public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> out) {
            calls.add("healthCheck");
            out.onNext(
                    HealthCheckReply.newBuilder()
                            .setTitle("testing qdrant")
                            .setVersion("1.16.2")
                            .build());
            out.onCompleted();
        }
    }

    private final class Collections extends CollectionsGrpc.CollectionsImplBase {
        @Override
        public void collectionExists(
                CollectionExistsRequest request, StreamObserver<CollectionExistsResponse> out) {
            calls.add("collectionExists");
            out.onNext(
                    CollectionExistsResponse.newBuilder()
                            .setResult(
                                    CollectionExists.newBuilder()
                                            .setExists(
                                                    collections.containsKey(
                                                            request.getCollectionName())))
                            .build());
            out.onCompleted();
        }

        @Override
        public void create(
                CreateCollection request, StreamObserver<CollectionOperationResponse> out) {
            calls.add("createCollection");
            if (!request.getVectorsConfig().hasParams()
                    || request.getVectorsConfig().getParams().getSize() < 1) {
                refuse(out, Status.INVALID_ARGUMENT, "collection without a vector size");
                return;
            }
            if (collections.putIfAbsent(
                            request.getCollectionName(),
                            new Collection(
                                    (int) request.getVectorsConfig().getParams().getSize(),
                                    new ConcurrentHashMap<>()))
                    != null) {
                out.onError(
                        Status.ALREADY_EXISTS
                                .withDescription("Collection already exists")
                                .asRuntimeException());
                return;
            }
            out.onNext(CollectionOperationResponse.newBuilder().setResult(true).build());
            out.onCompleted();
        }

        @Override
        public void get(
                GetCollectionInfoRequest request, StreamObserver<GetCollectionInfoResponse> out) {
            calls.add("getCollection");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null) {
                return;
            }
            out.onNext(
                    GetCollectionInfoResponse.newBuilder()
                            .setResult(
                                    CollectionInfo.newBuilder()
                                            .setPointsCount(c.points().size())
                                            .setConfig(
                                                    CollectionConfig.newBuilder()
                                                            .setParams(
                                                                    CollectionParams.newBuilder()
                                                                            .setVectorsConfig(
                                                                                    VectorsConfig
                                                                                            .newBuilder()
                                                                                            .setParams(
                                                                                                    VectorParams
                                                                                                            .newBuilder()
                                                                                                            .setSize(
                                                                                                                    c
                                                                                                                            .size()))))))
                            .build());
            out.onCompleted();
        }
    }

    private final class Points extends PointsGrpc.PointsImplBase {
        @Override
        public void upsert(UpsertPoints request, StreamObserver<PointsOperationResponse> out) {
            calls.add("upsert");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null || !waited(request.getWait(), "upsert", out)) {
                return;
            }
            Map<String, StoredPoint> accepted = new LinkedHashMap<>();
            for (PointStruct p : request.getPointsList()) {
                String id = uuid(p.getId());
                if (id == null) {
                    refuse(out, Status.INVALID_ARGUMENT, "point id is not a UUIDv5: " + p.getId());
                    return;
                }
                float[] v = vector(p.getVectors().getVector());
                if (v.length != c.size()) {
                    refuse(
                            out,
                            Status.INVALID_ARGUMENT,
                            "vector of " + v.length + " dims in a collection of " + c.size());
                    return;
                }
                for (String key : List.of("source_table", "id", "chunk", "lsn", "content")) {
                    if (!p.getPayloadMap().containsKey(key)) {
                        refuse(out, Status.INVALID_ARGUMENT, "payload without " + key);
                        return;
                    }
                }
                accepted.put(id, new StoredPoint(v, Map.copyOf(p.getPayloadMap())));
            }
            // update_filter (Qdrant 1.16): an existing point that does not match keeps its
            // state, without an error; a missing point is inserted regardless of the filter.
            for (Map.Entry<String, StoredPoint> e : accepted.entrySet()) {
                StoredPoint old = c.points().get(e.getKey());
                if (old != null && request.hasUpdateFilter()) {
                    Boolean m = matches(request.getUpdateFilter(), e.getKey(), old.payload(), out);
                    if (m == null) {
                        return;
                    }
                    if (!m) {
                        continue;
                    }
                }
                c.points().put(e.getKey(), e.getValue());
            }
            out.onNext(done());
            out.onCompleted();
        }

        @Override
        public void delete(DeletePoints request, StreamObserver<PointsOperationResponse> out) {
            calls.add("delete");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null || !waited(request.getWait(), "delete", out)) {
                return;
            }
            Set<String> ids = select(c, request.getPoints(), out);
            if (ids != null) {
                ids.forEach(c.points()::remove);
                out.onNext(done());
                out.onCompleted();
            }
        }

        @Override
        public void setPayload(
                SetPayloadPoints request, StreamObserver<PointsOperationResponse> out) {
            calls.add("setPayload");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null || !waited(request.getWait(), "setPayload", out)) {
                return;
            }
            Set<String> ids = select(c, request.getPointsSelector(), out);
            if (ids == null) {
                return;
            }
            for (String id : ids) {
                StoredPoint p = c.points().get(id);
                Map<String, Value> payload = new LinkedHashMap<>(p.payload());
                if (request.getKey().isEmpty()) {
                    payload.putAll(request.getPayloadMap());
                } else {
                    Value old = payload.get(request.getKey());
                    Struct.Builder merged =
                            old != null && old.hasStructValue()
                                    ? old.getStructValue().toBuilder()
                                    : Struct.newBuilder();
                    merged.putAllFields(request.getPayloadMap());
                    payload.put(
                            request.getKey(), Value.newBuilder().setStructValue(merged).build());
                }
                c.points().put(id, new StoredPoint(p.vector(), Map.copyOf(payload)));
            }
            out.onNext(done());
            out.onCompleted();
        }

        @Override
        public void createFieldIndex(
                CreateFieldIndexCollection request, StreamObserver<PointsOperationResponse> out) {
            calls.add("createFieldIndex");
            if (collection(request.getCollectionName(), out) == null) {
                return;
            }
            out.onNext(done());
            out.onCompleted();
        }

        @Override
        public void get(GetPoints request, StreamObserver<GetResponse> out) {
            calls.add("get");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null) {
                return;
            }
            List<String> include = request.getWithPayload().getInclude().getFieldsList();
            GetResponse.Builder response = GetResponse.newBuilder();
            for (PointId id : request.getIdsList()) {
                String uuid = uuid(id);
                StoredPoint p = uuid == null ? null : c.points().get(uuid);
                if (p == null) {
                    continue;
                }
                Map<String, Value> payload = new LinkedHashMap<>(p.payload());
                if (!include.isEmpty()) {
                    payload.keySet().retainAll(include);
                }
                response.addResult(
                        RetrievedPoint.newBuilder().setId(id).putAllPayload(payload).build());
            }
            out.onNext(response.build());
            out.onCompleted();
        }

        /**
         * Scroll as Qdrant does: points in id order (here, the UUID's text), those matching the
         * filter, from {@code offset} on, at most {@code limit}; {@code next_page_offset} is the
         * first point of the next page, absent after the last.
         */
        @Override
        public void scroll(ScrollPoints request, StreamObserver<ScrollResponse> out) {
            calls.add("scroll");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null) {
                return;
            }
            List<String> include = request.getWithPayload().getInclude().getFieldsList();
            String from = request.hasOffset() ? uuid(request.getOffset()) : null;
            int limit = request.hasLimit() ? request.getLimit() : 10;
            List<String> ids = new ArrayList<>(new java.util.TreeSet<>(c.points().keySet()));
            ScrollResponse.Builder response = ScrollResponse.newBuilder();
            int taken = 0;
            for (String id : ids) {
                if (from != null && id.compareTo(from) < 0) {
                    continue;
                }
                StoredPoint p = c.points().get(id);
                if (p == null) {
                    continue;
                }
                if (request.hasFilter()) {
                    Boolean m = matches(request.getFilter(), id, p.payload(), out);
                    if (m == null) {
                        return;
                    }
                    if (!m) {
                        continue;
                    }
                }
                if (taken == limit) {
                    response.setNextPageOffset(PointId.newBuilder().setUuid(id));
                    break;
                }
                Map<String, Value> payload = new LinkedHashMap<>(p.payload());
                if (!include.isEmpty()) {
                    payload.keySet().retainAll(include);
                }
                response.addResult(
                        RetrievedPoint.newBuilder()
                                .setId(PointId.newBuilder().setUuid(id))
                                .putAllPayload(payload)
                                .build());
                taken++;
            }
            out.onNext(response.build());
            out.onCompleted();
        }

        @Override
        public void search(SearchPoints request, StreamObserver<SearchResponse> out) {
            calls.add("search");
            Collection c = collection(request.getCollectionName(), out);
            if (c == null) {
                return;
            }
            float[] q = new float[request.getVectorCount()];
            for (int i = 0; i < q.length; i++) {
                q[i] = request.getVector(i);
            }
            if (q.length != c.size()) {
                refuse(out, Status.INVALID_ARGUMENT, "query of " + q.length + " dims");
                return;
            }
            List<ScoredPoint> scored = new ArrayList<>();
            c.points()
                    .forEach(
                            (id, p) ->
                                    scored.add(
                                            scoredPoint(
                                                    id,
                                                    p,
                                                    (float) VectorMath.cosine(q, p.vector()),
                                                    request.getWithVectors().getEnable())));
            scored.sort(Comparator.comparingDouble(ScoredPoint::getScore).reversed());
            out.onNext(
                    SearchResponse.newBuilder()
                            .addAllResult(
                                    scored.subList(
                                            0, (int) Math.min(request.getLimit(), scored.size())))
                            .build());
            out.onCompleted();
        }

        /** Point ids the selector picks, or null after answering with an error. */
        private Set<String> select(Collection c, PointsSelector selector, StreamObserver<?> out) {
            Set<String> ids = new java.util.HashSet<>();
            if (selector.hasFilter()) {
                for (Map.Entry<String, StoredPoint> e : c.points().entrySet()) {
                    Boolean m =
                            matches(selector.getFilter(), e.getKey(), e.getValue().payload(), out);
                    if (m == null) {
                        return null;
                    }
                    if (m) {
                        ids.add(e.getKey());
                    }
                }
            } else {
                for (PointId id : selector.getPoints().getIdsList()) {
                    ids.add(uuid(id));
                }
            }
            return ids;
        }
    }

    private Boolean matches(
            Filter f, String pointId, Map<String, Value> payload, StreamObserver<?> out) {
        for (Condition c : f.getMustList()) {
            Boolean m = matches(c, pointId, payload, out);
            if (m == null || !m) {
                return m;
            }
        }
        for (Condition c : f.getMustNotList()) {
            Boolean m = matches(c, pointId, payload, out);
            if (m == null || m) {
                return m == null ? null : false;
            }
        }
        if (f.getShouldCount() == 0) {
            return true;
        }
        for (Condition c : f.getShouldList()) {
            Boolean m = matches(c, pointId, payload, out);
            if (m == null || m) {
                return m;
            }
        }
        return false;
    }

    private Boolean matches(
            Condition c, String pointId, Map<String, Value> payload, StreamObserver<?> out) {
        if (c.hasFilter()) {
            return matches(c.getFilter(), pointId, payload, out);
        }
        if (c.hasHasId()) {
            for (PointId id : c.getHasId().getHasIdList()) {
                if (pointId.equals(uuid(id))) {
                    return true;
                }
            }
            return false;
        }
        if (!c.hasField()) {
            refuse(out, Status.UNIMPLEMENTED, "unsupported condition " + c);
            return null;
        }
        FieldCondition fc = c.getField();
        Value v = payload.get(fc.getKey());
        if (v == null) {
            return false;
        }
        if (fc.hasMatch()) {
            if (fc.getMatch().hasKeyword()) {
                return v.hasStringValue() && v.getStringValue().equals(fc.getMatch().getKeyword());
            }
            if (fc.getMatch().hasInteger()) {
                return v.hasIntegerValue() && v.getIntegerValue() == fc.getMatch().getInteger();
            }
        } else if (fc.hasRange()) {
            if (!v.hasIntegerValue() && !v.hasDoubleValue()) {
                return false;
            }
            double x = v.hasIntegerValue() ? v.getIntegerValue() : v.getDoubleValue();
            Range r = fc.getRange();
            return (!r.hasLt() || x < r.getLt())
                    && (!r.hasLte() || x <= r.getLte())
                    && (!r.hasGt() || x > r.getGt())
                    && (!r.hasGte() || x >= r.getGte());
        }
        refuse(out, Status.UNIMPLEMENTED, "unsupported field condition " + fc);
        return null;
    }

    private static String uuid(PointId id) {
        if (!id.hasUuid()) {
            return null;
        }
        try {
            UUID u = UUID.fromString(id.getUuid());
            return u.version() == 5 && u.toString().equals(id.getUuid()) ? id.getUuid() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @SuppressWarnings("deprecation")
    /** A search result, with its vector as Qdrant 1.16 sends it (dense) when asked for. */
    private static ScoredPoint scoredPoint(
            String id, StoredPoint p, float score, boolean withVector) {
        ScoredPoint.Builder b =
                ScoredPoint.newBuilder()
                        .setId(PointId.newBuilder().setUuid(id))
                        .setScore(score)
                        .putAllPayload(p.payload());
        if (withVector) {
            DenseVector.Builder dense = DenseVector.newBuilder();
            for (float f : p.vector()) {
                dense.addData(f);
            }
            b.setVectors(
                    VectorsOutput.newBuilder()
                            .setVector(VectorOutput.newBuilder().setDense(dense)));
        }
        return b.build();
    }

    private static float[] vector(Vector v) {
        List<Float> data = v.hasDense() ? v.getDense().getDataList() : v.getDataList();
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i);
        }
        return out;
    }
}
