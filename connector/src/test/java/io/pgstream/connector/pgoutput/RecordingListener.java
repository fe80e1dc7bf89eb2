package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.pgoutput.PgOutputMessage.LogicalDecodingMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link TransactionListener} that keeps committed transactions in commit order, applying
 * streamed chunks, subtransaction aborts and commits the way a correct consumer must; what tests
 * compare against the database.
 */
final class RecordingListener implements TransactionListener {

    record Tx(long xid, Lsn commitLsn, Instant commitTime, List<ChangeEvent> changes) {}

    private record Pending(List<ChangeEvent> changes, List<Long> subXids) {}

    final List<Tx> committed = new ArrayList<>();
    final List<LogicalDecodingMessage> messages = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    private final Map<Long, Pending> open = new LinkedHashMap<>();
    private final Set<Long> streamed = new HashSet<>();

    @Override
    public void begin(long xid, Lsn commitLsn, Instant commitTime) {
        calls.add("begin");
        open.put(xid, new Pending(new ArrayList<>(), new ArrayList<>()));
    }

    @Override
    public void streamStart(long xid, boolean firstSegment) {
        calls.add("streamStart");
        streamed.add(xid);
        open.computeIfAbsent(xid, x -> new Pending(new ArrayList<>(), new ArrayList<>()));
    }

    @Override
    public void change(long xid, long subXid, ChangeEvent event, int wireSize) {
        Pending p = open.get(xid);
        if (p == null) {
            throw new AssertionError("change outside a transaction: " + event);
        }
        p.changes.add(event);
        p.subXids.add(subXid);
    }

    @Override
    public void streamStop() {
        calls.add("streamStop");
    }

    @Override
    public void commit(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime) {
        calls.add("commit");
        Pending p = open.remove(xid);
        if (p == null) {
            throw new AssertionError("commit of unknown transaction " + xid);
        }
        List<ChangeEvent> changes = new ArrayList<>(p.changes.size());
        for (ChangeEvent e : p.changes) {
            changes.add(streamed.contains(xid) ? e.withCommit(commitLsn, commitTime) : e);
        }
        committed.add(new Tx(xid, commitLsn, commitTime, changes));
    }

    @Override
    public void streamAbort(long xid, long subXid) {
        calls.add("streamAbort");
        Pending p = open.get(xid);
        if (p == null) {
            return;
        }
        if (subXid == xid) {
            open.remove(xid);
            return;
        }
        for (int i = p.changes.size() - 1; i >= 0; i--) {
            if (p.subXids.get(i) == subXid) {
                p.changes.remove(i);
                p.subXids.remove(i);
            }
        }
    }

    @Override
    public void message(LogicalDecodingMessage message) {
        messages.add(message);
    }

    List<ChangeEvent> allChanges() {
        List<ChangeEvent> all = new ArrayList<>();
        committed.forEach(tx -> all.addAll(tx.changes()));
        return all;
    }

    /** Feeds a whole fixture through an assembler into a new listener. */
    static RecordingListener replay(String fixture) {
        RecordingListener listener = new RecordingListener();
        ChangeEventAssembler assembler =
                new ChangeEventAssembler(PgOutputFixtures.protocolOf(fixture), listener);
        for (PgOutputFixtures.Captured m : PgOutputFixtures.load(fixture)) {
            assembler.accept(m.lsn(), m.buffer());
        }
        return listener;
    }
}
