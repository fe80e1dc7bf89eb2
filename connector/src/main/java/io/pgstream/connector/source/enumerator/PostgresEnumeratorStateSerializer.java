package io.pgstream.connector.source.enumerator;

import io.pgstream.connector.source.split.PostgresSplit;
import io.pgstream.connector.source.split.PostgresSplitSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Versioned bytes of {@link PostgresEnumeratorState}.
 *
 * <p>Version 1: discovered flag; pending splits, each as its split-serializer version and bytes (so
 * split format changes need no enumerator version); assigned slot names. Version 2 appends the ids
 * of finished snapshot chunks. Version 3 appends the covered tables (a count of -1 when unknown).
 */
public final class PostgresEnumeratorStateSerializer
        implements SimpleVersionedSerializer<PostgresEnumeratorState> {

    public static final int VERSION_1 = 1;
    public static final int VERSION_2 = 2;
    public static final int VERSION_3 = 3;
    public static final int CURRENT_VERSION = VERSION_3;

    private final PostgresSplitSerializer splitSerializer = PostgresSplitSerializer.INSTANCE;

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(PostgresEnumeratorState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(state.discovered());
            out.writeInt(state.pending().size());
            for (PostgresSplit split : state.pending()) {
                byte[] b = splitSerializer.serialize(split);
                out.writeInt(splitSerializer.getVersion());
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt(state.assignedSlots().size());
            for (String slot : state.assignedSlots()) {
                out.writeUTF(slot);
            }
            out.writeInt(state.finishedChunks().size());
            for (String chunk : state.finishedChunks()) {
                out.writeUTF(chunk);
            }
            if (state.tables() == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(state.tables().size());
                for (String table : state.tables()) {
                    out.writeUTF(table);
                }
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public PostgresEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version < VERSION_1 || version > VERSION_3) {
            throw new IOException(
                    "Unknown PostgresEnumeratorState serializer version "
                            + version
                            + " (this build reads up to "
                            + CURRENT_VERSION
                            + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            boolean discovered = in.readBoolean();
            int pendingCount = in.readInt();
            List<PostgresSplit> pending = new ArrayList<>(pendingCount);
            for (int i = 0; i < pendingCount; i++) {
                int splitVersion = in.readInt();
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                pending.add(splitSerializer.deserialize(splitVersion, b));
            }
            int assignedCount = in.readInt();
            Set<String> assigned = new LinkedHashSet<>();
            for (int i = 0; i < assignedCount; i++) {
                assigned.add(in.readUTF());
            }
            Set<String> finished = new LinkedHashSet<>();
            if (version >= VERSION_2) {
                int finishedCount = in.readInt();
                for (int i = 0; i < finishedCount; i++) {
                    finished.add(in.readUTF());
                }
            }
            Set<String> tables = null;
            if (version >= VERSION_3) {
                int tableCount = in.readInt();
                if (tableCount >= 0) {
                    tables = new LinkedHashSet<>();
                    for (int i = 0; i < tableCount; i++) {
                        tables.add(in.readUTF());
                    }
                }
            }
            return new PostgresEnumeratorState(discovered, pending, assigned, finished, tables);
        }
    }
}
