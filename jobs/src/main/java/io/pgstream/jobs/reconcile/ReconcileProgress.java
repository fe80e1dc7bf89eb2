package io.pgstream.jobs.reconcile;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress lines of {@code pgstream reconcile} on stderr: one every few seconds while a pass runs,
 * and one when a pass ends, so a long check on a big table shows it is moving. Silent when given no
 * writer.
 */
final class ReconcileProgress {

    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private long lastLine;

    /**
     * @param err where lines go; null for none
     * @param nanoTime the clock ({@code System::nanoTime})
     */
    ReconcileProgress(PrintWriter err, LongSupplier nanoTime) {
        this.err = err;
        this.nanoTime = nanoTime;
        this.lastLine = nanoTime.getAsLong();
    }

    /** After each page: a line when the last one is a few seconds old. */
    void page(TableReport t, String pass) {
        if (err != null && nanoTime.getAsLong() - lastLine >= EVERY_NANOS) {
            line(t, pass);
        }
    }

    /** At the end of a pass: always a line. */
    void done(TableReport t, String pass) {
        if (err != null) {
            line(t, pass + " done");
        }
    }

    private void line(TableReport t, String pass) {
        lastLine = nanoTime.getAsLong();
        err.println(
                "pgstream: reconcile "
                        + t.table()
                        + " ("
                        + pass
                        + "): "
                        + t.vectors()
                        + " vectors checked, "
                        + t.orphaned()
                        + " orphaned; "
                        + t.rows()
                        + " rows checked, "
                        + t.missing()
                        + " missing, "
                        + t.stale()
                        + " stale");
        err.flush();
    }
}
