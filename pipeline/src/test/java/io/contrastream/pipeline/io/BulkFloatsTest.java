package io.contrastream.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.base.array.FloatPrimitiveArraySerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class BulkFloatsTest {

    @Test
    void writesFlinksFloatArrayBytesAndReadsThemBack() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {0, 1, 7, 784, 5000}) {   // 5,000 floats outgrow the first scratch buffer
            float[] values = new float[n];
            for (int i = 0; i < n; i++) values[i] = (float) random.nextGaussian() * 100;
            DataOutputSerializer ours = new DataOutputSerializer(16);
            DataOutputSerializer flinks = new DataOutputSerializer(16);
            BulkFloats.Serializer.INSTANCE.serialize(values, ours);
            FloatPrimitiveArraySerializer.INSTANCE.serialize(values, flinks);
            assertArrayEquals(flinks.getCopyOfBuffer(), ours.getCopyOfBuffer(), n + " floats");
            assertArrayEquals(values, BulkFloats.Serializer.INSTANCE.deserialize(new DataInputDeserializer(flinks.getCopyOfBuffer())));
            DataOutputSerializer copied = new DataOutputSerializer(16);
            BulkFloats.Serializer.INSTANCE.copy(new DataInputDeserializer(ours.getCopyOfBuffer()), copied);
            assertArrayEquals(ours.getCopyOfBuffer(), copied.getCopyOfBuffer());
        }
    }

    @Test
    void statesOfFlinksFloatArraySerializerRestoreAsTheyAre() {
        var ours = new BulkFloats.SerializerSnapshot();
        assertTrue(ours.resolveSchemaCompatibility(FloatPrimitiveArraySerializer.INSTANCE.snapshotConfiguration()).isCompatibleAsIs());
        assertTrue(ours.resolveSchemaCompatibility(new BulkFloats.SerializerSnapshot()).isCompatibleAsIs());
    }
}
