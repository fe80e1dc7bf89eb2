package io.pgstream.connector.source.deserializer;

import io.pgstream.connector.event.ChangeEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;

/** The identity schema: the source emits {@link ChangeEvent}s. */
public final class ChangeEventSchema implements ChangeEventDeserializationSchema<ChangeEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ChangeEvent event, Collector<ChangeEvent> out) {
        out.collect(event);
    }

    @Override
    public TypeInformation<ChangeEvent> getProducedType() {
        return ChangeEventTypeInfo.INSTANCE;
    }
}
