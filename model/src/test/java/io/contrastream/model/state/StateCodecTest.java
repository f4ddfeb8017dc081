package io.contrastream.model.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StateCodecTest {

    private static byte[] state(String kind, int version) {
        return new StateCodec.Writer(kind, version)
                .section("count", out -> out.writeLong(42))
                .section("rows", out -> StateCodec.writeRows(out, new float[][] {{1, 2}, {}, {3.5f}}))
                .section("nested", new StateCodec.Writer("inner", 1).section("x", out -> out.writeInt(7)).toBytes())
                .toBytes();
    }

    @Test
    void sectionsReadBackAsWritten() {
        StateCodec.Reader r = new StateCodec.Reader(state("outer", 2), "outer", 2);
        assertEquals(42L, r.section("count", DataInputStream::readLong));
        long[] filled = new long[1];
        r.read("count", in -> filled[0] = in.readLong());
        assertEquals(42L, filled[0]);
        float[][] rows = r.section("rows", StateCodec::readRows);
        assertEquals(3, rows.length);
        assertArrayEquals(new float[] {1, 2}, rows[0]);
        assertArrayEquals(new float[0], rows[1]);
        assertArrayEquals(new float[] {3.5f}, rows[2]);
        assertEquals(7, new StateCodec.Reader(r.bytes("nested"), "inner", 1).section("x", DataInputStream::readInt));
        assertTrue(r.has("rows"));
        assertFalse(r.has("ids"));
    }

    @Test
    void aPrefixOfAnArrayIsWritten() {
        byte[] saved = new StateCodec.Writer("small", 1).section("v", out -> StateCodec.writeFloats(out, new float[] {1, 2, 3}, 2)).toBytes();
        assertArrayEquals(new float[] {1, 2}, new StateCodec.Reader(saved, "small", 1).section("v", StateCodec::readFloats));
    }

    @Test
    void aReaderSkipsSectionsItDoesNotKnow() {
        byte[] saved = new StateCodec.Writer("small", 1)
                .section("a", out -> out.writeInt(1))
                .section("added-later", out -> out.write(new byte[1000]))
                .section("b", out -> out.writeInt(2))
                .toBytes();
        StateCodec.Reader r = new StateCodec.Reader(saved, "small", 1);
        assertEquals(1, r.section("a", DataInputStream::readInt));
        assertEquals(2, r.section("b", DataInputStream::readInt));
    }

    @Test
    void aMissingSectionIsNamed() {
        StateCodec.Reader r = new StateCodec.Reader(state("outer", 1), "outer", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.section("ids", DataInputStream::readLong));
        assertEquals("outer state (format version 1) has no section 'ids'; it has [count, rows, nested]", e.getMessage());
    }

    @Test
    void bytesOfAnotherLayoutAreRefusedWithWhatTheyBeginWith() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new StateCodec.Reader(new byte[] {'R', 'P', 'L', '2', 0, 0, 0, 8}, "replay-buffer", 3));
        assertEquals("not a saved replay-buffer state: it begins with 0x52504C32, not 0xC0DE57A7", e.getMessage());
        assertThrows(IllegalStateException.class, () -> new StateCodec.Reader(new byte[0], "replay-buffer", 3));
    }

    @Test
    void aNewerFormatVersionIsRefusedWithTheVersionsThisBuildReads() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StateCodec.Reader(state("outer", 4), "outer", 3));
        assertEquals("outer state has format version 4; this build reads versions 1 to 3", e.getMessage());
    }

    @Test
    void anotherKindOfStateIsRefusedByName() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new StateCodec.Reader(state("outer", 1), "inner", 1));
        assertEquals("expected a saved inner state, found outer", e.getMessage());
    }

    @Test
    void aTruncatedStateIsCorrupt() {
        byte[] saved = state("outer", 1);
        assertThrows(UncheckedIOException.class, () -> new StateCodec.Reader(Arrays.copyOf(saved, saved.length - 3), "outer", 1));
        byte[] shortRows = new StateCodec.Writer("small", 1).section("rows", out -> out.writeInt(5)).toBytes();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new StateCodec.Reader(shortRows, "small", 1).section("rows", StateCodec::readFloats));
        assertEquals("corrupt section 'rows' of a small state", e.getMessage());
    }

    @Test
    void onlyThisCodecsBytesCountAsEncoded() {
        assertTrue(StateCodec.encoded(state("outer", 1)));
        assertFalse(StateCodec.encoded(new byte[] {'R', 'P', 'L', '2'}));
        assertFalse(StateCodec.encoded(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}));   // a saved long -1
        assertFalse(StateCodec.encoded(new byte[3]));
    }
}
