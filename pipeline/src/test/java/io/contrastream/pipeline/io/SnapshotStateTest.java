package io.contrastream.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.pipeline.common.EncoderHolder;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.runtime.state.ArrayListSerializer;
import org.junit.jupiter.api.Test;

/** The serializer of encoder snapshots in operator state: the codec's bytes, copies by reference, old states accepted. */
class SnapshotStateTest {

    private static final TypeSerializer<EncoderSnapshot> SERIALIZER = SnapshotState.descriptor("s").getElementSerializer();

    @Test
    void aCheckpointsCopyOfTheStateHoldsTheSameRecord() {
        EncoderSnapshot s = SnapshotStateFixtures.snapshot(1);
        ArrayList<EncoderSnapshot> state = new ArrayList<>(List.of(s));
        // How Flink copies an operator's list state on the task thread at a checkpoint (PartitionableListState.deepCopy).
        ArrayList<EncoderSnapshot> copy = new ArrayListSerializer<>(SERIALIZER).copy(state);
        assertSame(s, copy.get(0));
        assertTrue(SERIALIZER.isImmutableType());
    }

    @Test
    void aSnapshotIsWrittenInTheStreamsBytesAndReadBackUnboxed() throws Exception {
        EncoderSnapshot s = SnapshotStateFixtures.snapshot(1);
        DataOutputSerializer state = new DataOutputSerializer(64);
        SERIALIZER.serialize(s, state);
        DataOutputSerializer stream = new DataOutputSerializer(64);
        RecordTypeInfo.snapshots().createSerializer(new SerializerConfigImpl()).serialize(s, stream);
        assertArrayEquals(stream.getCopyOfBuffer(), state.getCopyOfBuffer());
        EncoderSnapshot back = SERIALIZER.deserialize(new DataInputDeserializer(state.getCopyOfBuffer()));
        assertEquals(s, back);
        assertInstanceOf(FloatList.class, back.getWeights());
    }

    @Test
    void itsSnapshotRestoresItAndAcceptsItselfAsIsAndFlinksAvroSerializerOfSnapshotsAfterMigration() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, SERIALIZER.snapshotConfiguration());
        TypeSerializerSnapshot<EncoderSnapshot> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertEquals(SERIALIZER, read.restoreSerializer());
        assertTrue(resolve(read).isCompatibleAsIs());
        assertTrue(resolve(new AvroSerializer<>(EncoderSnapshot.class).snapshotConfiguration()).isCompatibleAfterMigration());
    }

    @Test
    void itRefusesStatesOfOtherTypes() {
        assertTrue(resolve(retyped(new AvroSerializer<>(Embedding.class).snapshotConfiguration())).isIncompatible());
        assertTrue(resolve(retyped(BytePrimitiveArraySerializer.INSTANCE.snapshotConfiguration())).isIncompatible());
    }

    @Test
    void aHolderRestoredFromAvrosListsKeepsItsSnapshotInFloatLists() throws Exception {
        EncoderSnapshot s = SnapshotStateFixtures.snapshot(1);
        EncoderSnapshot boxed = AvroCodec.decode(EncoderSnapshot.getDecoder(), AvroCodec.encodeGeneric(s));
        assertFalse(boxed.getWeights() instanceof FloatList, "Avro's reader, as Flink's Avro serializer restores old states");
        EncoderHolder holder = new EncoderHolder();
        holder.restore(List.of(boxed));
        assertEquals(List.of(s), holder.saved());
        assertInstanceOf(FloatList.class, holder.saved().get(0).getWeights());
    }

    private static TypeSerializerSchemaCompatibility<EncoderSnapshot> resolve(TypeSerializerSnapshot<EncoderSnapshot> old) {
        return SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(old);
    }

    /** A snapshot of another type's serializer, as Flink hands over whatever a state of that name was written with. */
    @SuppressWarnings("unchecked")
    private static TypeSerializerSnapshot<EncoderSnapshot> retyped(TypeSerializerSnapshot<?> snapshot) {
        return (TypeSerializerSnapshot<EncoderSnapshot>) snapshot;
    }
}
