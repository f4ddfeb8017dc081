package io.contrastream.pipeline.io;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.util.function.SerializableFunction;

/** Serialises a record's Kafka key: a string derived from the record, UTF-8. */
final class KeySerializationSchema<T> implements SerializationSchema<T> {
    private final SerializableFunction<T, String> key;

    KeySerializationSchema(SerializableFunction<T, String> key) {
        this.key = key;
    }

    @Override
    public byte[] serialize(T record) {
        return key.apply(record).getBytes(StandardCharsets.UTF_8);
    }
}
