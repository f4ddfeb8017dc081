package io.contrastream.model.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of a saved state: a header (magic, the state's kind, its format version), then named, length-prefixed
 * sections. A reader skips sections it does not know and names the one it misses, so a state grows by adding a
 * section; its version goes up only when older builds must refuse it.
 */
public final class StateCodec {

    /** Negative: no earlier layout began so (each with a positive count, "RPL2" or a long's high half, 0 or -1). */
    static final int MAGIC = 0xC0DE57A7;

    private StateCodec() {}

    /** Whether {@code saved} was written by this codec (and not in a layout from before it). */
    public static boolean encoded(byte[] saved) {
        return firstInt(saved) == MAGIC;
    }

    private static int firstInt(byte[] saved) {
        return ByteBuffer.wrap(Arrays.copyOf(saved, 4)).getInt();
    }

    /** What a section holds, written to the section's own stream. */
    public interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** How a section's bytes are read back into a value. */
    public interface Parse<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** How a section's bytes are read back into the state being restored. */
    public interface Fill {
        void read(DataInputStream in) throws IOException;
    }

    /** Collects the sections of one state of the given kind and format version. */
    public static final class Writer {
        private final Bytes bytes;
        private final DataOutputStream out;

        public Writer(String kind, int version) {
            this(kind, version, 256);
        }

        /**
         * With room for {@code sizeHint} bytes from the start: a state of megabytes grown by doubling from a small
         * array is several humongous arrays of garbage, every checkpoint.
         */
        public Writer(String kind, int version, int sizeHint) {
            bytes = new Bytes(Math.max(64, sizeHint));
            out = new DataOutputStream(bytes);   // unbuffered: every byte is in bytes at once
            try {
                out.writeInt(MAGIC);
                out.writeUTF(kind);
                out.writeInt(version);
            } catch (IOException e) {
                throw new UncheckedIOException(e);   // a byte array does not fail
            }
        }

        /**
         * Writes the body straight after its name and a length patched in afterwards: checkpoints save the learner's
         * megabytes every second, and a section buffer per body would copy each of them once more.
         */
        public Writer section(String name, Body body) {
            try {
                out.writeUTF(name);
                int at = bytes.size();
                out.writeInt(0);
                body.write(out);
                bytes.putInt(at, bytes.size() - at - 4);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** A section holding another state's bytes. */
        public Writer section(String name, byte[] nested) {
            return section(name, s -> s.write(nested));
        }

        /** The state's bytes; the writer is done with them (an exact size hint saves their copy). */
        public byte[] toBytes() {
            return bytes.done();
        }
    }

    /** A byte array stream whose already written ints can be overwritten. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        void putInt(int at, int v) {
            ByteBuffer.wrap(buf, at, 4).putInt(v);
        }

        byte[] done() {
            return count == buf.length ? buf : toByteArray();
        }
    }

    /** The sections of a saved state, checked against the kind and the newest format version the caller reads. */
    public static final class Reader {
        private final byte[] saved;
        private final String kind;
        private final int version;
        private final Map<String, int[]> sections = new LinkedHashMap<>();   // name -> {offset, length}

        public Reader(byte[] saved, String kind, int newestVersion) {
            if (!encoded(saved)) {
                throw new IllegalStateException(String.format("not a saved %s state: it begins with 0x%08X, not 0x%08X",
                        kind, firstInt(saved), MAGIC));
            }
            this.saved = saved;
            this.kind = kind;
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved, 4, saved.length - 4));
            try {
                String found = in.readUTF();
                if (!found.equals(kind)) throw new IllegalStateException("expected a saved " + kind + " state, found " + found);
                version = in.readInt();
                if (version < 1 || version > newestVersion) {
                    throw new IllegalStateException(kind + " state has format version " + version
                            + "; this build reads versions 1 to " + newestVersion);
                }
                while (in.available() > 0) {
                    String name = in.readUTF();
                    int length = in.readInt();
                    int[] at = {saved.length - in.available(), length};
                    if (length < 0 || length > in.available() || sections.put(name, at) != null) {
                        throw new IOException("section '" + name + "' of " + length + " bytes");
                    }
                    in.skipNBytes(length);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt " + kind + " state", e);
            }
        }

        public boolean has(String name) {
            return sections.containsKey(name);
        }

        /** The named section, read by {@code parse}; a missing section is refused by name. */
        public <T> T section(String name, Parse<T> parse) {
            int[] at = sections.get(name);
            if (at == null) {
                throw new IllegalStateException(kind + " state (format version " + version + ") has no section '" + name
                        + "'; it has " + sections.keySet());
            }
            try {
                return parse.read(new DataInputStream(new ByteArrayInputStream(saved, at[0], at[1])));
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt section '" + name + "' of a " + kind + " state", e);
            }
        }

        /** As {@link #section(String, Parse)}, for a section read into the state being restored. */
        public void read(String name, Fill fill) {
            section(name, in -> {
                fill.read(in);
                return null;
            });
        }

        /** The bytes of a section, such as another state's. */
        public byte[] bytes(String name) {
            return section(name, DataInputStream::readAllBytes);
        }
    }

    /** Writes the first {@code n} values, preceded by n. */
    public static void writeFloats(DataOutputStream out, float[] values, int n) throws IOException {
        out.writeInt(n);
        writeValues(out, values, n);
    }

    /**
     * Writes the first {@code n} values alone, big-endian as {@link DataOutputStream#writeFloat} would, in bulk: value by
     * value, a stream's four single-byte writes per float were most of a checkpoint's time (JFR).
     */
    public static void writeValues(DataOutputStream out, float[] values, int n) throws IOException {
        // In chunks through one small buffer: a buffer of all n values was megabytes of garbage per checkpoint.
        ByteBuffer b = ByteBuffer.allocate(4 * Math.min(n, CHUNK));
        FloatBuffer f = b.asFloatBuffer();
        for (int from = 0; from < n; from += CHUNK) {
            int k = Math.min(CHUNK, n - from);
            f.clear();
            f.put(values, from, k);
            out.write(b.array(), 0, 4 * k);
        }
    }

    private static final int CHUNK = 16_384;

    /** Reads {@code into.length} values written by {@link #writeValues}. */
    public static void readValues(DataInputStream in, float[] into) throws IOException {
        ByteBuffer.wrap(in.readNBytes(4 * into.length)).asFloatBuffer().get(into);
    }

    public static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || 4L * n > in.available()) throw new EOFException(n + " floats announced, " + in.available() + " bytes left");
        float[] values = new float[n];
        readValues(in, values);
        return values;
    }

    /** Writes the rows (each may have its own length), preceded by their count. */
    public static void writeRows(DataOutputStream out, float[][] rows) throws IOException {
        out.writeInt(rows.length);
        for (float[] r : rows) writeFloats(out, r, r.length);
    }

    public static float[][] readRows(DataInputStream in) throws IOException {
        float[][] rows = new float[in.readInt()][];
        for (int i = 0; i < rows.length; i++) rows[i] = readFloats(in);
        return rows;
    }
}
