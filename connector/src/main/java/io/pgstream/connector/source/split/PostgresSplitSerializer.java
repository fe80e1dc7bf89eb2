package io.pgstream.connector.source.split;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.snapshot.SnapshotChunk;
import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Versioned bytes of a {@link PostgresSplit}, as stored in checkpoints and savepoints.
 *
 * <p>Version 1: slot name, publication name, start (0 = from slot, 1 = after commit + LSN), stop (0
 * = never, 1 = at LSN + LSN, 2 = current WAL end). Version 2 appends a kind byte: 0 = the slot's
 * stream, 1 = a snapshot chunk (schema, table, index, key columns, lower and upper bound each
 * absent or a list of texts, first and last page, key types). Version 3 appends, for a chunk, the
 * planner's estimate of its table's rows. A new field means a new version; old versions stay
 * readable (see the backward-compatibility test and its stored bytes).
 */
public final class PostgresSplitSerializer implements SimpleVersionedSerializer<PostgresSplit> {

    public static final int VERSION_1 = 1;
    public static final int VERSION_2 = 2;
    public static final int VERSION_3 = 3;
    public static final int CURRENT_VERSION = VERSION_3;

    private static final int KIND_STREAM = 0;
    private static final int KIND_SNAPSHOT_CHUNK = 1;

    public static final PostgresSplitSerializer INSTANCE = new PostgresSplitSerializer();

    @Override
    public int getVersion() {
        return CURRENT_VERSION;
    }

    @Override
    public byte[] serialize(PostgresSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    /** Writes the current version's fields (shared with the enumerator state serializer). */
    static void write(PostgresSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.slotName());
        out.writeUTF(split.publicationName());
        if (split.start().isFromSlot()) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            out.writeLong(split.start().lastCommitLsn().value());
        }
        StoppingPosition stop = split.stop();
        if (!stop.isBounded()) {
            out.writeByte(0);
        } else if (stop.needsResolution()) {
            out.writeByte(2);
        } else {
            out.writeByte(1);
            out.writeLong(stop.lsn().value());
        }
        out.writeByte(kindCode(split.kind()));
        if (split.kind() == SplitKind.STREAM) {
            return;
        }
        SnapshotChunk chunk = split.chunk();
        out.writeUTF(chunk.table().schema());
        out.writeUTF(chunk.table().table());
        out.writeInt(chunk.index());
        writeList(chunk.keyColumns(), out);
        writeNullableList(chunk.lower(), out);
        writeNullableList(chunk.upper(), out);
        out.writeLong(chunk.fromPage());
        out.writeLong(chunk.toPage());
        writeList(split.keyTypes(), out);
        out.writeLong(split.tableRowsEstimate());
    }

    private static void writeList(List<String> values, DataOutputStream out) throws IOException {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeUTF(v);
        }
    }

    private static void writeNullableList(List<String> values, DataOutputStream out)
            throws IOException {
        out.writeBoolean(values != null);
        if (values != null) {
            writeList(values, out);
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readUTF());
        }
        return values;
    }

    private static List<String> readNullableList(DataInputStream in) throws IOException {
        return in.readBoolean() ? readList(in) : null;
    }

    @Override
    public PostgresSplit deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                try (DataInputStream in =
                        new DataInputStream(new ByteArrayInputStream(serialized))) {
                    return readV1(in);
                }
            case VERSION_2:
            case VERSION_3:
                try (DataInputStream in =
                        new DataInputStream(new ByteArrayInputStream(serialized))) {
                    return readV2(in, version);
                }
            default:
                throw new IOException(
                        "Unknown PostgresSplit serializer version "
                                + version
                                + " (this build reads up to "
                                + CURRENT_VERSION
                                + "); was the savepoint written by a newer pgstream?");
        }
    }

    /** Versions 2 and 3; 3 appends the table's row estimate to a chunk. */
    static PostgresSplit readV2(DataInputStream in, int version) throws IOException {
        PostgresSplit stream = readV1(in);
        if (kindOf(in.readUnsignedByte()) == SplitKind.STREAM) {
            return stream;
        }
        TableId table = new TableId(in.readUTF(), in.readUTF());
        int index = in.readInt();
        List<String> keyColumns = readList(in);
        List<String> lower = readNullableList(in);
        List<String> upper = readNullableList(in);
        long fromPage = in.readLong();
        long toPage = in.readLong();
        List<String> keyTypes = readList(in);
        long estimate = version >= VERSION_3 ? in.readLong() : -1;
        return PostgresSplit.snapshot(
                stream.slotName(),
                stream.publicationName(),
                new SnapshotChunk(table, index, keyColumns, lower, upper, fromPage, toPage),
                keyTypes,
                estimate);
    }

    /** The kind byte of versions 2 and up. */
    private static int kindCode(SplitKind kind) {
        switch (kind) {
            case STREAM:
                return KIND_STREAM;
            case SNAPSHOT_CHUNK:
                return KIND_SNAPSHOT_CHUNK;
            default:
                throw new IllegalArgumentException("No kind byte for " + kind);
        }
    }

    private static SplitKind kindOf(int code) throws IOException {
        switch (code) {
            case KIND_STREAM:
                return SplitKind.STREAM;
            case KIND_SNAPSHOT_CHUNK:
                return SplitKind.SNAPSHOT_CHUNK;
            default:
                throw new IOException("Unknown split kind " + code);
        }
    }

    static PostgresSplit readV1(DataInputStream in) throws IOException {
        String slot = in.readUTF();
        String publication = in.readUTF();
        StartingPosition start;
        int startKind = in.readUnsignedByte();
        switch (startKind) {
            case 0:
                start = StartingPosition.fromSlot();
                break;
            case 1:
                start = StartingPosition.afterCommit(new Lsn(in.readLong()));
                break;
            default:
                throw new IOException("Unknown starting position kind " + startKind);
        }
        StoppingPosition stop;
        int stopKind = in.readUnsignedByte();
        switch (stopKind) {
            case 0:
                stop = StoppingPosition.never();
                break;
            case 1:
                stop = StoppingPosition.atLsn(new Lsn(in.readLong()));
                break;
            case 2:
                stop = StoppingPosition.currentWalEnd();
                break;
            default:
                throw new IOException("Unknown stopping position kind " + stopKind);
        }
        return new PostgresSplit(slot, publication, start, stop);
    }
}
