package io.contrastream.pipeline.io;

import io.contrastream.schema.Sample;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/** {@link Sample} by hand: id, event time, shape, values (as a {@link FloatList}), label, attributes. */
final class SampleCodec implements RecordCodec<Sample> {

    @Override
    public Schema schema() {
        return Sample.getClassSchema();
    }

    @Override
    public void write(Sample s, BinaryEncoder out) throws IOException {
        out.writeString(s.getId());
        out.writeLong(s.getEventTime().toEpochMilli());
        AvroWire.writeInts(out, s.getShape());
        AvroWire.writeFloats(out, s.getValues());
        AvroWire.writePresent(out, s.getLabel() != null);
        if (s.getLabel() != null) out.writeInt(s.getLabel());
        AvroWire.writeStringMap(out, s.getAttributes());
    }

    @Override
    public Sample copy(Sample s) {
        return new Sample(s.getId(), s.getEventTime(), new ArrayList<>(s.getShape()), FloatList.copyOf(s.getValues()),
                s.getLabel(), new HashMap<>(s.getAttributes()));
    }

    @Override
    public Sample read(BinaryDecoder in, int bytes) throws IOException {
        String id = in.readString();
        Instant time = Instant.ofEpochMilli(in.readLong());
        var shape = AvroWire.readInts(in, bytes);
        FloatList values = FloatList.wrap(AvroWire.readFloats(in, bytes));
        Integer label = AvroWire.readPresent(in) ? in.readInt() : null;
        return new Sample(id, time, shape, values, label, AvroWire.readStringMap(in, bytes));
    }
}
