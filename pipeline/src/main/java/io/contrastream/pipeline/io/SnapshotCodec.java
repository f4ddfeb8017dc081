package io.contrastream.pipeline.io;

import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.InputStandardization;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/**
 * {@link EncoderSnapshot} by hand: the 0.5–2 million weights, the alignment and the input standardisation move as
 * {@code float[]}; boxed, one snapshot was millions of Float objects per decode.
 */
final class SnapshotCodec implements RecordCodec<EncoderSnapshot> {

    @Override
    public Schema schema() {
        return EncoderSnapshot.getClassSchema();
    }

    @Override
    public int sizeHint(EncoderSnapshot s) {
        long floats = s.getWeights().size() + (s.getAlignment() == null ? 0 : s.getAlignment().size())
                + (s.getInputStandardization() == null ? 0 : 2L * s.getInputStandardization().getMean().size());
        return (int) Math.min(Integer.MAX_VALUE - 64, 4 * floats + 3L * s.getConfig().length() + 64);
    }

    @Override
    public void write(EncoderSnapshot s, BinaryEncoder out) throws IOException {
        out.writeLong(s.getVersion());
        out.writeLong(s.getStep());
        out.writeString(s.getConfig());
        AvroWire.writeFloats(out, s.getWeights());
        AvroWire.writeNullableString(out, s.getSpaceId());
        AvroWire.writePresent(out, s.getAlignment() != null);
        if (s.getAlignment() != null) AvroWire.writeFloats(out, s.getAlignment());
        InputStandardization z = s.getInputStandardization();
        AvroWire.writePresent(out, z != null);
        if (z != null) {
            AvroWire.writeFloats(out, z.getMean());
            AvroWire.writeFloats(out, z.getStd());
        }
    }

    @Override
    public EncoderSnapshot copy(EncoderSnapshot s) {
        InputStandardization z = s.getInputStandardization();
        return new EncoderSnapshot(s.getVersion(), s.getStep(), s.getConfig(), FloatList.copyOf(s.getWeights()), s.getSpaceId(),
                FloatList.copyOf(s.getAlignment()),
                z == null ? null : new InputStandardization(FloatList.copyOf(z.getMean()), FloatList.copyOf(z.getStd())));
    }

    @Override
    public EncoderSnapshot read(BinaryDecoder in, int bytes) throws IOException {
        long version = in.readLong();
        long step = in.readLong();
        String config = in.readString();
        FloatList weights = FloatList.wrap(AvroWire.readFloats(in, bytes));
        String space = AvroWire.readNullableString(in);
        FloatList alignment = AvroWire.readPresent(in) ? FloatList.wrap(AvroWire.readFloats(in, bytes)) : null;
        InputStandardization z = null;
        if (AvroWire.readPresent(in)) {
            FloatList mean = FloatList.wrap(AvroWire.readFloats(in, bytes));
            z = new InputStandardization(mean, FloatList.wrap(AvroWire.readFloats(in, bytes)));
        }
        return new EncoderSnapshot(version, step, config, weights, space, alignment, z);
    }
}
