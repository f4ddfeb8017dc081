package io.contrastream.pipeline.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.BadRecords;
import io.contrastream.pipeline.io.SampleProducer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class SampleDecoderTest {

    private static final int[] SHAPE = {4};
    private final SampleDecoder decoder = new SampleDecoder(SHAPE);

    private static Rejection.Reason reasonOf(SampleDecoder d, byte[] bytes) {
        return assertThrows(Rejection.class, () -> d.decode(bytes)).reason();
    }

    @Test
    void decodesAValidSampleWithItsLabel() throws Rejection {
        byte[] bytes = AvroCodec.encode(SampleProducer.sample("a", 123, SHAPE, new float[] {1, 2, 3, 4}, 7));
        Instance x = decoder.decode(bytes);
        assertEquals("a", x.id);
        assertEquals(123, x.eventTime);
        assertEquals(7, x.label);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.values);
    }

    @Test
    void namesTheReasonForEveryKindOfBadRecord() {
        assertEquals(Rejection.Reason.UNDECODABLE, reasonOf(decoder, BadRecords.make(0, SHAPE, 1)));   // garbage
        assertEquals(Rejection.Reason.UNDECODABLE, reasonOf(decoder, BadRecords.make(1, SHAPE, 1)));   // truncated
        assertEquals(Rejection.Reason.NON_FINITE, reasonOf(decoder, BadRecords.make(2, SHAPE, 1)));
        assertEquals(Rejection.Reason.WRONG_SHAPE, reasonOf(decoder, BadRecords.make(3, SHAPE, 1)));
        assertEquals(Rejection.Reason.UNKNOWN_SCHEMA, reasonOf(decoder, BadRecords.make(4, SHAPE, 1)));
        assertEquals(Rejection.Reason.EMPTY, reasonOf(decoder, BadRecords.make(5, SHAPE, 1)));
        assertEquals(Rejection.Reason.EMPTY, reasonOf(decoder, null));
    }

    @Test
    void valuesThatDoNotFillTheShapeAreAWrongShape() {
        byte[] bytes = AvroCodec.encode(SampleProducer.sample("a", 0, SHAPE, new float[] {1, 2, 3}, null));
        Rejection r = assertThrows(Rejection.class, () -> decoder.decode(bytes));
        assertEquals(Rejection.Reason.WRONG_SHAPE, r.reason());
        assertEquals("3 values do not fill shape [4] (4)", r.getMessage());
    }

    @Test
    void aHugeDeclaredArrayLengthIsRejectedWithoutAllocatingIt() throws Exception {
        // A valid header and id, then a 'shape' array that claims two billion items.
        byte[] valid = AvroCodec.encode(SampleProducer.sample("a", 0, SHAPE, new float[] {1, 2, 3, 4}, null));
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(tail, null);
        enc.writeString("a");
        enc.writeLong(0);
        enc.writeArrayStart();
        enc.setItemCount(2_000_000_000L);
        enc.flush();
        byte[] hostile = Arrays.copyOf(valid, 10 + tail.size());
        System.arraycopy(tail.toByteArray(), 0, hostile, 10, tail.size());
        assertEquals(Rejection.Reason.UNDECODABLE, reasonOf(decoder, hostile));
    }

    @Test
    void aNegativeLabelIsRejected() {
        byte[] bytes = AvroCodec.encode(SampleProducer.sample("a", 0, SHAPE, new float[] {1, 2, 3, 4}, -3));
        assertEquals(Rejection.Reason.BAD_LABEL, reasonOf(decoder, bytes));
    }

    @Test
    void everyHostileRecordIsRejectedWithTheReasonOfItsKind() {
        SampleDecoder d = new SampleDecoder(new int[] {16});
        java.util.Map<String, java.util.Set<Rejection.Reason>> reasons = new java.util.TreeMap<>();
        int n = 13_000;
        for (int i = 0; i < n; i++) {
            byte[] bytes = BadRecords.hostile(i, new int[] {16}, 5);
            String kind = BadRecords.HOSTILE_KINDS.get(i % BadRecords.HOSTILE_KINDS.size());
            reasons.computeIfAbsent(kind, k -> java.util.EnumSet.noneOf(Rejection.Reason.class)).add(reasonOf(d, bytes));
        }
        assertEquals(java.util.Set.of(Rejection.Reason.NON_FINITE), reasons.get("minus-inf"));
        assertEquals(java.util.Set.of(Rejection.Reason.UNKNOWN_SCHEMA), reasons.get("bit-flipped-fingerprint"));
        assertEquals(java.util.Set.of(Rejection.Reason.UNDECODABLE), reasons.get("huge-length"));
        assertEquals(java.util.Set.of(Rejection.Reason.BAD_LABEL), reasons.get("negative-label"));
        assertEquals(java.util.Set.of(Rejection.Reason.BAD_ID), reasons.get("empty-id"));
        assertEquals(BadRecords.HOSTILE_KINDS.size(), reasons.size());
    }
}
