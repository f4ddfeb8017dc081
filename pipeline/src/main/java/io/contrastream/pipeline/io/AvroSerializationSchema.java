package io.contrastream.pipeline.io;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Serialises a record value in the project's one wire format, Avro single-object encoding. */
final class AvroSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {
    @Override
    public byte[] serialize(T record) {
        return AvroCodec.encode(record);
    }
}
