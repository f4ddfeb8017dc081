package io.contrastream.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    /** Two 2×3 unsigned-byte images, written as IDX by hand. */
    private static byte[] images() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(2);
        out.writeInt(2);
        out.writeInt(3);
        for (int v : new int[] {0, 51, 255, 102, 0, 0, 1, 2, 3, 4, 5, 6}) out.writeByte(v);
        return bytes.toByteArray();
    }

    @Test
    void readsGzippedAndPlainImagesAsChannelHeightWidth() throws IOException {
        Path plain = Files.write(dir.resolve("x-idx3-ubyte"), images());
        Path gz = dir.resolve("x-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(images());
        }
        for (Path p : new Path[] {plain, gz}) {
            Idx.Tensor t = Idx.read(p, true);
            assertEquals(2, t.count());
            assertArrayEquals(new int[] {1, 2, 3}, t.itemShape());
            assertArrayEquals(new float[] {0f, 0.2f, 1f, 0.4f, 0f, 0f}, t.item(0), 1e-6f);
        }
    }

    @Test
    void readsLabelsUnscaled() throws IOException {
        Path labels = Files.write(dir.resolve("y-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 7});
        Idx.Tensor t = Idx.read(labels, false);
        assertArrayEquals(new float[] {9, 0, 7}, t.values());
    }

    @Test
    void rejectsAFileThatIsNotIdx() throws IOException {
        Path bad = Files.write(dir.resolve("bad"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        IOException e = assertThrows(IOException.class, () -> Idx.read(bad, true));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }
}
