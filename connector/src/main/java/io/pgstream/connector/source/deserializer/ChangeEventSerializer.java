package io.pgstream.connector.source.deserializer;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.ChangeEventCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer for {@link ChangeEvent}, on the exact {@link ChangeEventCodec} format, so
 * events crossing the network or entering state keep their typed values and never fall back to
 * Kryo.
 */
public final class ChangeEventSerializer extends TypeSerializerSingleton<ChangeEvent> {
    private static final long serialVersionUID = 1L;

    public static final ChangeEventSerializer INSTANCE = new ChangeEventSerializer();

    @Override
    public boolean isImmutableType() {
        // Rows are unmodifiable maps; byte[] and float[] values are never mutated by pgstream.
        return true;
    }

    @Override
    public ChangeEvent createInstance() {
        return null;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from) {
        return from;
    }

    @Override
    public ChangeEvent copy(ChangeEvent from, ChangeEvent reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ChangeEvent record, DataOutputView target) throws IOException {
        ChangeEventCodec.write(record, target);
    }

    @Override
    public ChangeEvent deserialize(DataInputView source) throws IOException {
        return ChangeEventCodec.read(source);
    }

    @Override
    public ChangeEvent deserialize(ChangeEvent reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ChangeEvent> snapshotConfiguration() {
        return new ChangeEventSerializerSnapshot();
    }

    /** Restores the singleton; the codec's tags are append-only, so any snapshot is compatible. */
    public static final class ChangeEventSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<ChangeEvent> {
        public ChangeEventSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
