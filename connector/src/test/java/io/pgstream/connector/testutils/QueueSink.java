package io.pgstream.connector.testutils;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that hands every record to the test at once, in a static queue named per test: unlike the
 * collect sink under checkpointing, it shows records that no checkpoint covers yet, which is what
 * ack-timing tests need to observe. Runs in the MiniCluster's JVM only.
 */
public final class QueueSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();

    private final String name;

    private QueueSink(String name) {
        this.name = name;
    }

    /** A new, empty queue under this name. */
    public static <T> QueueSink<T> named(String name) {
        QUEUES.put(name, new ConcurrentLinkedQueue<>());
        return new QueueSink<>(name);
    }

    /** What the sink received so far, in order. */
    @SuppressWarnings("unchecked")
    public List<T> received() {
        return (List<T>) List.copyOf(QUEUES.get(name));
    }

    public int size() {
        return QUEUES.get(name).size();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = QUEUES.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() throws IOException {}
        };
    }
}
