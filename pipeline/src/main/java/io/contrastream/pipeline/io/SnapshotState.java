package io.contrastream.pipeline.io;

import io.contrastream.schema.EncoderSnapshot;
import java.io.IOException;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot;

/**
 * Operator state of encoder snapshots: written in the hand-written codec's bytes (see {@link RecordTypeInfo}) and
 * copied by reference. Under Flink's {@code AvroTypeInfo} every checkpoint deep-copied the held snapshot on the task
 * thread, boxing each of its half a million floats, then wrote them one by one. States written that way (every
 * checkpoint and savepoint before this class) restore.
 */
public final class SnapshotState {

    private SnapshotState() {}

    /** A list (or union list) state of encoder snapshots. */
    public static ListStateDescriptor<EncoderSnapshot> descriptor(String name) {
        return new ListStateDescriptor<>(name, new Serializer());
    }

    /**
     * Length-prefixed single-object bytes, as on the snapshot stream. Copies are the record itself: an EncoderSnapshot
     * is never changed once built ({@link Snapshots#toAvro} fills in a new one before returning it, the codecs and
     * Avro's reader build new ones, no operator calls a setter on one, and every reader of its float lists copies them
     * out), so a checkpoint may share the operator's record; stateless, so one instance serves every thread.
     */
    static final class Serializer extends TypeSerializer<EncoderSnapshot> {

        private static final RecordTypeInfo.Serializer<EncoderSnapshot> CODEC = new RecordTypeInfo.Serializer<>(EncoderSnapshot.class);

        /** Lets Flink's list copy at a checkpoint take the elements as they are (ArrayListSerializer.copy). */
        @Override public boolean isImmutableType() { return true; }
        @Override public TypeSerializer<EncoderSnapshot> duplicate() { return this; }
        @Override public int getLength() { return -1; }
        @Override public EncoderSnapshot createInstance() { return CODEC.createInstance(); }
        @Override public EncoderSnapshot copy(EncoderSnapshot from) { return from; }
        @Override public EncoderSnapshot copy(EncoderSnapshot from, EncoderSnapshot reuse) { return from; }

        @Override
        public void serialize(EncoderSnapshot record, DataOutputView target) throws IOException {
            CODEC.serialize(record, target);
        }

        @Override
        public EncoderSnapshot deserialize(DataInputView source) throws IOException {
            return CODEC.deserialize(source);
        }

        @Override
        public EncoderSnapshot deserialize(EncoderSnapshot reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            CODEC.copy(source, target);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Serializer;
        }

        @Override
        public int hashCode() {
            return Serializer.class.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<EncoderSnapshot> snapshotConfiguration() {
            return new SerializerSnapshot();
        }
    }

    /** The serializer has no configuration: its class is its format. */
    public static final class SerializerSnapshot implements TypeSerializerSnapshot<EncoderSnapshot> {

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader loader) {}

        @Override
        public TypeSerializer<EncoderSnapshot> restoreSerializer() {
            return new Serializer();
        }

        /**
         * As is for this format. For a state of Flink's Avro serializer that Avro finds the current EncoderSnapshot can
         * read, after migration, which for operator state is free: Flink has already read every element with the old
         * snapshot's serializer when it restored the backend, and from then on writes with this one.
         */
        @Override
        public TypeSerializerSchemaCompatibility<EncoderSnapshot> resolveSchemaCompatibility(
                TypeSerializerSnapshot<EncoderSnapshot> old) {
            if (old instanceof SerializerSnapshot) return TypeSerializerSchemaCompatibility.compatibleAsIs();
            if (old instanceof AvroSerializerSnapshot<EncoderSnapshot>
                    && !new AvroSerializer<>(EncoderSnapshot.class).snapshotConfiguration().resolveSchemaCompatibility(old).isIncompatible()) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
