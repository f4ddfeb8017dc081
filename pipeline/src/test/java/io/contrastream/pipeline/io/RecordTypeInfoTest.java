package io.contrastream.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.pipeline.drift.DriftInput;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.InputStandardization;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The stream type of embeddings and snapshots: records survive the wire and copies, and copies share no arrays. */
class RecordTypeInfoTest {

    private static final EncoderSnapshot SNAPSHOT = new EncoderSnapshot(4L, 80L, "{}", FloatList.wrap(new float[] {1, -2, 3}),
            "space-a", FloatList.wrap(new float[] {0, 1, 1, 0}),
            new InputStandardization(FloatList.wrap(new float[] {0.5f}), List.of(2f)));

    @Test
    void aSnapshotSurvivesTheWireAndACopyIsIndependent() throws Exception {
        TypeSerializer<EncoderSnapshot> s = RecordTypeInfo.snapshots().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(SNAPSHOT, out);
        s.serialize(SNAPSHOT, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertEquals(SNAPSHOT, s.deserialize(in));
        DataOutputSerializer relayed = new DataOutputSerializer(1024);   // write(source, n) does not grow it
        s.copy(in, relayed);   // what a network hop does without deserialising
        assertEquals(SNAPSHOT, s.deserialize(new DataInputDeserializer(relayed.getCopyOfBuffer())));

        EncoderSnapshot copy = s.copy(SNAPSHOT);
        assertEquals(SNAPSHOT, copy);
        ((FloatList) copy.getWeights()).set(0, 99f);
        assertEquals(1f, SNAPSHOT.getWeights().get(0), "a copy shares no array with its original");
        assertInstanceOf(FloatList.class, copy.getInputStandardization().getStd(), "copies are unboxed, whatever the original's lists");
    }

    @Test
    void anEmbeddingSurvivesTheWire() throws Exception {
        Embedding e = new Embedding("s-1", Instant.ofEpochMilli(12), 3L, FloatList.wrap(new float[] {0.25f, Float.NaN}), null);
        TypeSerializer<Embedding> s = RecordTypeInfo.embeddings().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(e, out);
        Embedding back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals(e, back);
        assertNotSame(e.getVector(), s.copy(e).getVector());
    }

    @Test
    void theSerializerSnapshotRestoresAnEqualSerializerAndIsCompatibleWithItself() throws Exception {
        TypeSerializer<EncoderSnapshot> s = RecordTypeInfo.snapshots().createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
        TypeSerializerSnapshot<EncoderSnapshot> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertEquals(s, read.restoreSerializer());
        assertTrue(s.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs());
    }

    @Test
    void theDriftInputsSnapshotFieldUsesIt() {
        PojoTypeInfo<DriftInput> pojo = (PojoTypeInfo<DriftInput>) TypeInformation.of(DriftInput.class);
        assertEquals(RecordTypeInfo.snapshots(), pojo.getTypeAt(pojo.getFieldIndex("snapshot")));
    }
}
