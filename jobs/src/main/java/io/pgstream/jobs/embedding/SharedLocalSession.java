package io.pgstream.jobs.embedding;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link LocalInference} shared by every user in a classloader, counted: the first {@link
 * #acquire()} opens it, the last {@link #release()} closes it. Held in a static field, it is one
 * per TaskManager per job (each job has its own user-code classloader), so the subtasks of a job
 * share one ONNX session and a cancelled job leaves none behind.
 *
 * <p>Calls run on threads of this class ({@link #submit}) so that the caller can stop waiting at a
 * deadline. A call that is still running when the last user leaves (one that hung past its
 * deadline) keeps the session open until it returns: native memory is never freed under a running
 * inference. Opening and closing are logged at INFO with counters, for operators and for tests that
 * count sessions in a TaskManager's log.
 */
final class SharedLocalSession {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLocalSession.class);

    private final Supplier<? extends LocalInference> loader;

    // All guarded by this.
    private LocalInference inference;
    private ExecutorService callers;
    private int users;
    private int running;
    private int opened;
    private int closed;

    /**
     * @param loader opens the inference (the first {@link #acquire()} calls it)
     */
    SharedLocalSession(Supplier<? extends LocalInference> loader) {
        this.loader = loader;
    }

    /**
     * Registers a user, opening the inference if nobody holds it; throws what the loader throws.
     */
    synchronized void acquire() {
        if (inference == null) {
            inference = loader.get();
            AtomicInteger n = new AtomicInteger();
            callers =
                    Executors.newCachedThreadPool(
                            r -> {
                                Thread t =
                                        new Thread(
                                                r,
                                                "pgstream-local-model-call-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
            opened++;
            LOG.info("Local model session opened ({} opened, {} closed)", opened, closed);
        }
        users++;
    }

    /** Unregisters a user; the last one closes the inference once no call runs in it. */
    synchronized void release() {
        if (users == 0) {
            throw new IllegalStateException("released more often than acquired");
        }
        users--;
        closeIfUnused();
    }

    /**
     * Runs {@code texts} through the inference on a thread of its own; the caller waits on the
     * future (and may stop waiting). Only between {@link #acquire()} and {@link #release()}.
     */
    Future<List<float[]>> submit(List<String> texts) {
        LocalInference target;
        ExecutorService pool;
        synchronized (this) {
            if (users == 0) {
                throw new IllegalStateException("the local model session is not acquired");
            }
            target = inference;
            pool = callers;
            running++;
        }
        try {
            return pool.submit(
                    () -> {
                        try {
                            return target.embed(texts);
                        } finally {
                            callEnded();
                        }
                    });
        } catch (RejectedExecutionException e) {
            callEnded();
            throw e;
        }
    }

    /** Whether an inference is open now; for tests. */
    synchronized boolean isOpen() {
        return inference != null;
    }

    private synchronized void callEnded() {
        running--;
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (users > 0 || inference == null) {
            return;
        }
        if (running > 0) {
            LOG.warn(
                    "Local model session kept open: {} call(s) still run in it past their"
                            + " deadline; it closes when they return",
                    running);
            return;
        }
        try {
            inference.close();
        } finally {
            callers.shutdown();
            inference = null;
            callers = null;
            closed++;
            LOG.info("Local model session closed ({} opened, {} closed)", opened, closed);
        }
    }
}
