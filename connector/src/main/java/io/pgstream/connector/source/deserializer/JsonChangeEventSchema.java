package io.pgstream.connector.source.deserializer;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.format.ChangeEventJson;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/** Emits each change as one JSON object string ({@link ChangeEventJson}). */
public final class JsonChangeEventSchema implements ChangeEventDeserializationSchema<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ChangeEvent event, Collector<String> out) {
        out.collect(ChangeEventJson.toJson(event));
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
