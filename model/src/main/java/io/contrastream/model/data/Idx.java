package io.contrastream.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the format of MNIST and Fashion-MNIST, LeCun et al.), gzip-compressed or not: a magic number
 * giving the element type and rank, the dimensions, then the data in row-major order.
 */
public final class Idx {

    /** An IDX tensor: its dimensions (the first is the item count) and its values as floats. */
    public record Tensor(int[] dims, float[] values) {

        public int count() { return dims[0]; }

        /** Values per item: the product of the dimensions after the first. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) n *= dims[i];
            return n;
        }

        /** The shape of one item as a Sample carries it: [C,H,W] for images (C = 1 for a rank-3 file), else as stored. */
        public int[] itemShape() {
            int[] rest = Arrays.copyOfRange(dims, 1, dims.length);
            return rest.length == 2 ? new int[] {1, rest[0], rest[1]} : rest;
        }

        public float[] item(int i) {
            return Arrays.copyOfRange(values, i * itemSize(), (i + 1) * itemSize());
        }
    }

    private Idx() {}

    /** Reads a whole file; unsigned bytes are scaled to [0, 1] when {@code scaleBytes}, other types are kept. */
    public static Tensor read(Path file, boolean scaleBytes) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
            int magic = in.readInt();
            if ((magic >>> 16) != 0) throw new IOException(file + ": not an IDX file (magic " + Integer.toHexString(magic) + ")");
            int type = (magic >>> 8) & 0xff;
            int rank = magic & 0xff;
            if (rank < 1 || rank > 4) throw new IOException(file + ": IDX rank " + rank + " is not supported (1 to 4)");
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] <= 0) throw new IOException(file + ": dimension " + i + " is " + dims[i]);
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 8) throw new IOException(file + ": " + total + " values do not fit in memory");
            float[] values = new float[(int) total];
            for (int i = 0; i < values.length; i++) {
                values[i] = switch (type) {
                    case 0x08 -> scaleBytes ? in.readUnsignedByte() / 255f : in.readUnsignedByte();
                    case 0x09 -> in.readByte();
                    case 0x0B -> in.readShort();
                    case 0x0C -> in.readInt();
                    case 0x0D -> in.readFloat();
                    case 0x0E -> (float) in.readDouble();
                    default -> throw new IOException(file + ": unknown IDX element type 0x" + Integer.toHexString(type));
                };
            }
            return new Tensor(dims, values);
        }
    }
}
