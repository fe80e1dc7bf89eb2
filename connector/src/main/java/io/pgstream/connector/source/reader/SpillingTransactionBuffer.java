package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.ChangeEventCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The changes of one transaction that has not committed yet (or has, but is still being emitted),
 * kept in memory up to a byte budget and on local disk beyond it.
 *
 * <p>Why: a transaction is emitted only whole (a checkpoint never stands inside one), and a
 * million-row transaction does not fit in a TaskManager's heap. Changes of an aborted
 * subtransaction are skipped on replay rather than cut out of the file.
 *
 * <p>Not thread-safe; owned by the split fetcher thread until handed to the emitter, which then
 * owns it and must {@link #close()} it.
 */
public final class SpillingTransactionBuffer implements AutoCloseable {

    private final Path spillDirectory;
    private final long memoryBudgetBytes;
    private final List<Entry> memory = new ArrayList<>();
    private final Set<Long> abortedSubtransactions = new HashSet<>();
    private long memoryBytes;
    private long size;
    private Path spillFile;
    private DataOutputStream spillOut;
    private long spilledBytes;
    private DataInputStream spillIn;

    public SpillingTransactionBuffer(Path spillDirectory, long memoryBudgetBytes) {
        this.spillDirectory = spillDirectory;
        this.memoryBudgetBytes = memoryBudgetBytes;
    }

    /**
     * Adds a change of (sub)transaction {@code subXid}.
     *
     * @param sizeHint the size of the message it was decoded from, to estimate memory use
     */
    public void append(long subXid, ChangeEvent event, int sizeHint) {
        size++;
        try {
            if (spillOut != null) {
                writeEntry(subXid, event);
                return;
            }
            memory.add(new Entry(subXid, event));
            // Decoded objects take a few times their wire size.
            memoryBytes += 64 + 3L * sizeHint;
            if (memoryBytes > memoryBudgetBytes) {
                spill();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not spill a large transaction to " + spillDirectory, e);
        }
    }

    /** Drops the changes of an aborted subtransaction. */
    public void abortSubtransaction(long subXid) {
        abortedSubtransactions.add(subXid);
    }

    /** The number of changes appended, including those of aborted subtransactions. */
    public long size() {
        return size;
    }

    /** Bytes written to disk so far (0 while the transaction fits in memory). */
    public long spilledBytes() {
        return spilledBytes;
    }

    private void spill() throws IOException {
        Files.createDirectories(spillDirectory);
        spillFile = Files.createTempFile(spillDirectory, "pgstream-tx-", ".spill");
        spillOut =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(spillFile), 1 << 16));
        for (Entry entry : memory) {
            writeEntry(entry.subXid, entry.event);
        }
        memory.clear();
        memoryBytes = 0;
    }

    private void writeEntry(long subXid, ChangeEvent event) throws IOException {
        int before = spillOut.size();
        spillOut.writeLong(subXid);
        ChangeEventCodec.write(event, spillOut);
        spilledBytes += spillOut.size() - before;
    }

    /**
     * The changes in the order they were appended, without those of aborted subtransactions. Call
     * once; reading from disk happens lazily as the iterator advances.
     */
    public Iterator<ChangeEvent> replay() {
        if (spillOut == null) {
            return memory.stream()
                    .filter(e -> !abortedSubtransactions.contains(e.subXid))
                    .map(e -> e.event)
                    .iterator();
        }
        try {
            spillOut.close();
            spillIn =
                    new DataInputStream(
                            new BufferedInputStream(Files.newInputStream(spillFile), 1 << 16));
            return new SpillIterator(spillIn);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read back spilled transaction", e);
        }
    }

    /** Deletes the spill file, if any, also when a replay was abandoned half way. */
    @Override
    public void close() {
        memory.clear();
        if (spillFile != null) {
            try {
                spillOut.close();
                if (spillIn != null) {
                    spillIn.close();
                }
                Files.deleteIfExists(spillFile);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete " + spillFile, e);
            }
        }
    }

    private final class SpillIterator implements Iterator<ChangeEvent> {
        private final DataInputStream in;
        private ChangeEvent next;
        private boolean done;

        SpillIterator(DataInputStream in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done) {
                try {
                    long subXid = in.readLong();
                    ChangeEvent event = ChangeEventCodec.read(in);
                    if (!abortedSubtransactions.contains(subXid)) {
                        next = event;
                    }
                } catch (EOFException eof) {
                    done = true;
                    closeInput();
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not read back " + spillFile, e);
                }
            }
            return next != null;
        }

        @Override
        public ChangeEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ChangeEvent result = next;
            next = null;
            return result;
        }

        private void closeInput() {
            try {
                in.close();
            } catch (IOException ignored) {
                // Read to the end already.
            }
        }
    }

    private static final class Entry {
        final long subXid;
        final ChangeEvent event;

        Entry(long subXid, ChangeEvent event) {
            this.subXid = subXid;
            this.event = event;
        }
    }
}
