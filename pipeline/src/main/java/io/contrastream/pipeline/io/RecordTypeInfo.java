package io.contrastream.pipeline.io;

import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's type for a stream of Avro records that have a hand-written codec (embeddings, encoder snapshots): records
 * cross the network in the codec's bytes and are copied between chained operators array by array. Flink's own
 * {@code AvroTypeInfo} boxed every float on each hop and each copy, and a snapshot is half a million floats or more.
 * Operator state of snapshots has its own serializer of the same bytes, {@link SnapshotState}.
 */
public final class RecordTypeInfo<T extends SpecificRecord> extends TypeInformation<T> {

    private final Class<T> type;

    private RecordTypeInfo(Class<T> type) {
        if (!AvroCodec.handWritten(type)) throw new IllegalArgumentException("no hand-written codec for " + type.getName());
        this.type = type;
    }

    public static RecordTypeInfo<Embedding> embeddings() {
        return new RecordTypeInfo<>(Embedding.class);
    }

    public static RecordTypeInfo<EncoderSnapshot> snapshots() {
        return new RecordTypeInfo<>(EncoderSnapshot.class);
    }

    /** For a POJO field of type EncoderSnapshot: {@code @TypeInfo(RecordTypeInfo.SnapshotField.class)}. */
    public static final class SnapshotField extends TypeInfoFactory<EncoderSnapshot> {
        @Override
        public TypeInformation<EncoderSnapshot> createTypeInfo(Type t, Map<String, TypeInformation<?>> parameters) {
            return snapshots();
        }
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<T> getTypeClass() { return type; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new Serializer<>(type);
    }

    @Override
    public String toString() {
        return "RecordTypeInfo<" + type.getSimpleName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordTypeInfo<?> r && r.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof RecordTypeInfo;
    }

    /** Length-prefixed single-object bytes of the hand-written codec; stateless, so one instance serves every thread. */
    static final class Serializer<T extends SpecificRecord> extends TypeSerializer<T> {

        private final Class<T> type;

        Serializer(Class<T> type) {
            this.type = type;
        }

        @Override public boolean isImmutableType() { return false; }
        @Override public TypeSerializer<T> duplicate() { return this; }
        @Override public int getLength() { return -1; }

        @Override
        public T createInstance() {
            try {
                return type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public T copy(T from) {
            return AvroCodec.copy(from);
        }

        @Override
        public T copy(T from, T reuse) {
            return copy(from);
        }

        @Override
        public void serialize(T record, DataOutputView target) throws IOException {
            byte[] bytes = AvroCodec.encode(record);
            target.writeInt(bytes.length);
            target.write(bytes);
        }

        @Override
        public T deserialize(DataInputView source) throws IOException {
            byte[] bytes = new byte[source.readInt()];
            source.readFully(bytes);
            return AvroCodec.decode(type, bytes);
        }

        @Override
        public T deserialize(T reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int n = source.readInt();
            target.writeInt(n);
            target.write(source, n);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Serializer<?> s && s.type == type;
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<T> snapshotConfiguration() {
            return new SerializerSnapshot<>(type);
        }
    }

    /** Names the record class; the format is the codec's, so the same class is all compatibility asks. */
    public static final class SerializerSnapshot<T extends SpecificRecord> implements TypeSerializerSnapshot<T> {

        private Class<T> type;

        /** For Flink, which instantiates snapshots reflectively and then reads them. */
        public SerializerSnapshot() {}

        SerializerSnapshot(Class<T> type) {
            this.type = type;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(type.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int version, DataInputView in, ClassLoader loader) throws IOException {
            String name = in.readUTF();
            try {
                type = (Class<T>) Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                throw new IOException("the record class " + name + " of a serializer snapshot is not on the classpath", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new Serializer<>(type);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> old) {
            return old instanceof SerializerSnapshot<T> s && s.type == type
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs() : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
