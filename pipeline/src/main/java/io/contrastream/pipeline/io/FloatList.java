package io.contrastream.pipeline.io;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import org.apache.avro.generic.PrimitivesArrays;

/**
 * A fixed-size {@code List<Float>} over a {@code float[]}: the generated Avro classes type every {@code array<float>}
 * field as {@code List<Float>}, and this lets the hand-written codecs fill and read those fields without a Float
 * object per value. Boxing happens only if a caller uses the {@code List} methods.
 */
public final class FloatList extends AbstractList<Float> implements RandomAccess {

    private final float[] values;

    private FloatList(float[] values) {
        this.values = values;
    }

    /** The list over {@code values} itself, not a copy: whoever still holds the array must not change it. */
    public static FloatList wrap(float[] values) {
        return new FloatList(values);
    }

    /**
     * A new array with the values of {@code list} (null for null): a bulk copy for this class, unboxed reads for the
     * primitive arrays Avro's generic reader makes, element by element otherwise.
     */
    public static float[] toArray(List<Float> list) {
        if (list == null) return null;
        if (list instanceof FloatList f) return f.values.clone();
        float[] out = new float[list.size()];
        if (list instanceof PrimitivesArrays.FloatArray a) {
            for (int i = 0; i < out.length; i++) out[i] = a.getFloat(i);
        } else {
            for (int i = 0; i < out.length; i++) out[i] = list.get(i);
        }
        return out;
    }

    /** A new FloatList with the values of {@code list} (null for null). */
    public static FloatList copyOf(List<Float> list) {
        return list == null ? null : new FloatList(toArray(list));
    }

    /** The array the list is over, not a copy: for code that owns the list (it has just decoded or built it). */
    public float[] array() {
        return values;
    }

    /** The value at {@code i}, unboxed. */
    public float getFloat(int i) {
        return values[i];
    }

    @Override
    public Float get(int i) {
        return values[i];
    }

    @Override
    public Float set(int i, Float v) {
        float old = values[i];
        values[i] = v;
        return old;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        // Arrays.equals compares floatToIntBits, which is Float.equals, as List.equals demands.
        if (o instanceof FloatList f) return Arrays.equals(values, f.values);
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);   // the same formula as List.hashCode over the boxed values
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
