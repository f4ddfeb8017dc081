package io.contrastream.pipeline.io;

import io.contrastream.schema.Embedding;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/** {@link Embedding} by hand: sample id, event time, encoder version, vector (as a {@link FloatList}), space id. */
final class EmbeddingCodec implements RecordCodec<Embedding> {

    @Override
    public Schema schema() {
        return Embedding.getClassSchema();
    }

    @Override
    public void write(Embedding e, BinaryEncoder out) throws IOException {
        out.writeString(e.getSampleId());
        out.writeLong(e.getEventTime().toEpochMilli());
        out.writeLong(e.getEncoderVersion());
        AvroWire.writeFloats(out, e.getVector());
        AvroWire.writeNullableString(out, e.getSpaceId());
    }

    @Override
    public Embedding copy(Embedding e) {
        return new Embedding(e.getSampleId(), e.getEventTime(), e.getEncoderVersion(), FloatList.copyOf(e.getVector()), e.getSpaceId());
    }

    @Override
    public Embedding read(BinaryDecoder in, int bytes) throws IOException {
        String id = in.readString();
        Instant time = Instant.ofEpochMilli(in.readLong());
        long version = in.readLong();
        FloatList vector = FloatList.wrap(AvroWire.readFloats(in, bytes));
        return new Embedding(id, time, version, vector, AvroWire.readNullableString(in));
    }
}
