package io.contrastream.pipeline.io;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.common.typeutils.base.array.FloatPrimitiveArraySerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A {@code float[]} field's serializer that moves the values as one byte block, in the bytes Flink's own
 * {@link FloatPrimitiveArraySerializer} writes (a length, then big-endian floats), so states of either restore with the
 * other. Flink's writes each float through {@code DataOutputStream.writeInt}, four virtual calls a float: for a
 * 784-float sample that was most of the decode stage's time, once per downstream edge (JFR). Use on a POJO field:
 * {@code @TypeInfo(BulkFloats.Field.class)}.
 */
public final class BulkFloats {

    private BulkFloats() {}

    /** The type information of an annotated {@code float[]} field. */
    public static final class Field extends TypeInfoFactory<float[]> {
        @Override
        public TypeInformation<float[]> createTypeInfo(Type t, Map<String, TypeInformation<?>> parameters) {
            return new Info();
        }
    }

    /** A float array with {@link Serializer}. */
    static final class Info extends TypeInformation<float[]> {
        @Override public boolean isBasicType() { return false; }
        @Override public boolean isTupleType() { return false; }
        @Override public int getArity() { return 1; }
        @Override public int getTotalFields() { return 1; }
        @Override public Class<float[]> getTypeClass() { return float[].class; }
        @Override public boolean isKeyType() { return false; }
        @Override public TypeSerializer<float[]> createSerializer(SerializerConfig config) { return Serializer.INSTANCE; }
        @Override public String toString() { return "float[] (bulk)"; }
        @Override public boolean equals(Object o) { return o instanceof Info; }
        @Override public int hashCode() { return Info.class.hashCode(); }
        @Override public boolean canEqual(Object o) { return o instanceof Info; }
    }

    /** Stateless; its per-thread scratch bytes are the only memory it keeps. */
    public static final class Serializer extends TypeSerializerSingleton<float[]> {

        static final Serializer INSTANCE = new Serializer();
        private static final float[] EMPTY = new float[0];
        private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

        @Override public boolean isImmutableType() { return false; }
        @Override public float[] createInstance() { return EMPTY; }
        @Override public float[] copy(float[] from) { return from.clone(); }
        @Override public float[] copy(float[] from, float[] reuse) { return copy(from); }
        @Override public int getLength() { return -1; }

        @Override
        public void serialize(float[] record, DataOutputView target) throws IOException {
            if (record == null) throw new IllegalArgumentException("the float array is null");
            byte[] bytes = scratch(record.length);
            ByteBuffer.wrap(bytes).asFloatBuffer().put(record);   // big-endian, as DataOutput writes floats
            target.writeInt(record.length);
            target.write(bytes, 0, record.length * 4);
        }

        @Override
        public float[] deserialize(DataInputView source) throws IOException {
            int n = source.readInt();
            byte[] bytes = scratch(n);
            source.readFully(bytes, 0, n * 4);
            float[] out = new float[n];
            ByteBuffer.wrap(bytes).asFloatBuffer().get(out);
            return out;
        }

        @Override
        public float[] deserialize(float[] reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int n = source.readInt();
            byte[] bytes = scratch(n);
            source.readFully(bytes, 0, n * 4);
            target.writeInt(n);
            target.write(bytes, 0, n * 4);   // not write(source, n): DataOutputSerializer's does not grow
        }

        private static byte[] scratch(int floats) {
            byte[] bytes = SCRATCH.get();
            if (bytes.length < floats * 4) SCRATCH.set(bytes = new byte[Math.max(floats * 4, bytes.length * 2)]);
            return bytes;
        }

        @Override
        public TypeSerializerSnapshot<float[]> snapshotConfiguration() {
            return new SerializerSnapshot();
        }
    }

    /** No configuration; compatible as is with Flink's float-array serializer's states, whose bytes are these. */
    public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<float[]> {

        public SerializerSnapshot() {
            super(() -> Serializer.INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<float[]> resolveSchemaCompatibility(TypeSerializerSnapshot<float[]> old) {
            if (old instanceof SerializerSnapshot
                    || old instanceof FloatPrimitiveArraySerializer.FloatPrimitiveArraySerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
