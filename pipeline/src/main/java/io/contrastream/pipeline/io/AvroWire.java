package io.contrastream.pipeline.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.PrimitivesArrays;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;

/**
 * The Avro binary pieces the hand-written codecs are made of, each written with the same encoder calls as Avro's
 * generic writer (so the bytes are identical) and read through {@link BinaryDecoder}, whose block counts and length
 * limits are Avro's own (so bad input fails as it does on the generic path).
 */
final class AvroWire {

    private AvroWire() {}

    /** Floats per bulk move: 16 KB of bytes, a scratch buffer each thread keeps. */
    private static final int CHUNK = 4096;

    /** Per thread: raw bytes, and a little-endian float view of them (Avro's float is 4 bytes, little-endian). */
    private record Scratch(byte[] raw, FloatBuffer floats) {
        Scratch(byte[] raw) {
            this(raw, ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(new byte[4 * CHUNK]));

    /**
     * An {@code array<float>} into a {@code float[]}, each block's bytes copied in bulk. {@code bytes} is the record's
     * length: a declared count that cannot fit in it is refused before anything is allocated for it, as corrupt
     * (Avro's item limit alone would let a 100-byte record allocate 64 MB).
     */
    static float[] readFloats(BinaryDecoder in, int bytes) throws IOException {
        long n = in.readArrayStart();
        float[] out = new float[checkItems(n, 4, bytes)];
        Scratch scratch = SCRATCH.get();
        int filled = 0;
        while (n > 0) {
            for (int done = 0; done < n; ) {
                int k = (int) Math.min(CHUNK, n - done);
                in.readFixed(scratch.raw(), 0, 4 * k);
                scratch.floats().get(0, out, filled + done, k);
                done += k;
            }
            filled += (int) n;
            n = in.arrayNext();
            if (n > 0) out = Arrays.copyOf(out, checkItems(filled + n, 4, bytes));   // a writer that split blocks
        }
        return out;
    }

    /** An {@code array<float>}: the bytes of Avro's writer (one block), written in bulk from a {@link FloatList}. */
    static void writeFloats(BinaryEncoder out, List<Float> values) throws IOException {
        int n = values.size();
        out.writeArrayStart();
        out.setItemCount(n);
        if (values instanceof FloatList f) {
            Scratch scratch = SCRATCH.get();
            for (int done = 0; done < n; ) {
                int k = Math.min(CHUNK, n - done);
                scratch.floats().put(0, f.array(), done, k);
                out.writeFixed(scratch.raw(), 0, 4 * k);
                done += k;
            }
        } else if (values instanceof PrimitivesArrays.FloatArray a) {   // unboxed, from Avro's own reader
            for (int i = 0; i < n; i++) { out.startItem(); out.writeFloat(a.getFloat(i)); }
        } else {
            for (Float v : values) { out.startItem(); out.writeFloat(v); }
        }
        out.writeArrayEnd();
    }

    /** An {@code array<int>} (a shape: a handful of items, so boxed like the generated class wants it). */
    static List<Integer> readInts(BinaryDecoder in, int bytes) throws IOException {
        long n = in.readArrayStart();
        List<Integer> out = new ArrayList<>(checkItems(n, 1, bytes));
        for (long total = n; n > 0; n = in.arrayNext(), total += n) {
            checkItems(total, 1, bytes);
            for (int i = 0; i < n; i++) out.add(in.readInt());
        }
        return out;
    }

    static void writeInts(BinaryEncoder out, List<Integer> values) throws IOException {
        out.writeArrayStart();
        out.setItemCount(values.size());
        for (Integer v : values) { out.startItem(); out.writeInt(v); }
        out.writeArrayEnd();
    }

    /** A {@code map<string>}; each entry takes at least two bytes (two empty strings). */
    static Map<String, String> readStringMap(BinaryDecoder in, int bytes) throws IOException {
        long n = in.readMapStart();
        Map<String, String> out = new HashMap<>(Math.max(4, 2 * checkItems(n, 2, bytes)));
        for (long total = n; n > 0; n = in.mapNext(), total += n) {
            checkItems(total, 2, bytes);
            for (int i = 0; i < n; i++) out.put(in.readString(), in.readString());
        }
        return out;
    }

    static void writeStringMap(BinaryEncoder out, Map<String, String> map) throws IOException {
        out.writeMapStart();
        out.setItemCount(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            out.startItem();
            out.writeString(e.getKey());
            out.writeString(e.getValue());
        }
        out.writeMapEnd();
    }

    /** The branch of a two-branch union {@code ["null", T]}: false for null, true for T. */
    static boolean readPresent(BinaryDecoder in) throws IOException {
        int branch = in.readIndex();
        if (branch == 0) return false;
        if (branch == 1) return true;
        throw new AvroRuntimeException("Malformed data. Union branch " + branch + " of 2");
    }

    static void writePresent(BinaryEncoder out, boolean present) throws IOException {
        out.writeIndex(present ? 1 : 0);
    }

    static String readNullableString(BinaryDecoder in) throws IOException {
        return readPresent(in) ? in.readString() : null;
    }

    static void writeNullableString(BinaryEncoder out, String s) throws IOException {
        writePresent(out, s != null);
        if (s != null) out.writeString(s);
    }

    /** {@code n} items of at least {@code minBytes} each must fit in {@code bytes}, else the record is cut short. */
    private static int checkItems(long n, int minBytes, int bytes) throws EOFException {
        if (n * minBytes > bytes) {
            throw new EOFException(n + " items declared, more than the " + bytes + " bytes of the record can hold");
        }
        return (int) n;
    }
}
