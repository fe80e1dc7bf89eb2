package io.pgstream.jobs.cli;

import io.pgstream.connector.event.ChangeEvent;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.CloseableIterator;

/**
 * Hands each change to the command the moment the job has it, without waiting for a checkpoint to
 * cover it (Flink's collect sink releases results only on checkpoints). Works on the embedded
 * mini-cluster only: the writer and the command share a JVM and meet through a queue registered
 * under a random id. The slot is still acknowledged on checkpoints, so after a crash the changes
 * since the last one are printed again: at-least-once.
 */
final class ImmediateCollectSink implements Sink<ChangeEvent> {
    private static final long serialVersionUID = 1L;

    private static final Map<String, BlockingQueue<ChangeEvent>> QUEUES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    ImmediateCollectSink() {
        QUEUES.put(id, new LinkedBlockingQueue<>(10_000));
    }

    @Override
    public SinkWriter<ChangeEvent> createWriter(WriterInitContext context) {
        BlockingQueue<ChangeEvent> queue = QUEUES.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(ChangeEvent element, Context ctx) throws InterruptedException {
                // A full queue back-pressures the job instead of dropping changes.
                queue.put(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** The changes in arrival order until the job ends; closing cancels the job. */
    CloseableIterator<ChangeEvent> changes(JobClient job) {
        BlockingQueue<ChangeEvent> queue = QUEUES.get(id);
        return new CloseableIterator<>() {
            private ChangeEvent next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        // A change ends the wait at once; the timeout only paces the job-status
                        // question (a call through the mini-cluster's RPC system), at idle too.
                        next = queue.poll(1, TimeUnit.SECONDS);
                        if (next == null && job.getJobStatus().get().isGloballyTerminalState()) {
                            next = queue.poll();
                            if (next == null) {
                                job.getJobExecutionResult().get();
                                return false;
                            }
                        }
                    }
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw cause instanceof RuntimeException
                            ? (RuntimeException) cause
                            : new IllegalStateException(cause.getMessage(), cause);
                }
            }

            @Override
            public ChangeEvent next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                ChangeEvent e = next;
                next = null;
                return e;
            }

            @Override
            public void close() throws Exception {
                QUEUES.remove(id);
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        };
    }
}
