package io.contrastream.pipeline.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.schema.Sample;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
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

    @Test
    void theHandWrittenPathAcceptsAndRejectsExactlyWhatAvrosPathDoes() {
        int[] shape = {16};
        SampleDecoder d = new SampleDecoder(shape);
        SplittableRandom rng = new SplittableRandom(23);
        for (int i = 0; i < 13 * 40; i++) assertSameOutcome(d, BadRecords.hostile(i, shape, 23));
        for (int i = 0; i < 4000; i++) {
            float[] values = new float[16];
            for (int j = 0; j < values.length; j++) values[j] = (float) rng.nextGaussian();
            Sample s = SampleProducer.sample("s-" + i, rng.nextLong(), shape, values, rng.nextBoolean() ? null : rng.nextInt(10));
            if (rng.nextBoolean()) s.setAttributes(Map.of("source", "test", "n", Integer.toString(i)));
            byte[] b = AvroCodec.encode(s);
            switch (i % 4) {
                case 0 -> b = Arrays.copyOf(b, 10 + rng.nextInt(b.length - 10));                 // truncated
                case 1 -> b[10 + rng.nextInt(b.length - 10)] ^= (byte) (1 << rng.nextInt(8));     // one bit flipped
                case 2 -> b[10 + rng.nextInt(b.length - 10)] = (byte) rng.nextInt(256);           // one byte replaced
                default -> {                                                                        // noise after a point
                    for (int j = 10 + rng.nextInt(b.length - 10); j < b.length; j++) b[j] = (byte) rng.nextInt(256);
                }
            }
            assertSameOutcome(d, b);
        }
    }

    @Test
    void aSampleOfAnEarlierWriterSchemaStillDecodes() throws Exception {
        // A plausible earlier Sample: no label, no attributes. The hand-written codec knows only the current schema,
        // so this record must take Avro's resolving path and get the defaults.
        Schema earlier = new Schema.Parser().parse("""
                {"type": "record", "name": "Sample", "namespace": "io.contrastream.schema", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "shape", "type": {"type": "array", "items": "int"}},
                  {"name": "values", "type": {"type": "array", "items": "float"}}]}""");
        Sample.getDecoder().addSchema(earlier);
        GenericRecord old = new GenericData.Record(earlier);
        old.put("id", "old-1");
        old.put("event_time", 77L);
        old.put("shape", List.of(4));
        old.put("values", List.of(1f, 2f, 3f, 4f));
        ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), earlier).encode(old);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        Instance x = decoder.decode(bytes);
        assertEquals("old-1", x.id);
        assertEquals(77, x.eventTime);
        assertEquals(Instance.NO_LABEL, x.label);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.values);
    }

    /** The same Instance from both paths, or the same rejection (the same detail too, once the bytes decoded). */
    private static void assertSameOutcome(SampleDecoder d, byte[] bytes) {
        Object hand = outcome(d, bytes, true);
        Object avro = outcome(d, bytes, false);
        if (hand instanceof Rejection h && avro instanceof Rejection a) {
            assertEquals(a.reason(), h.reason(), () -> a.getMessage() + " / " + h.getMessage());
            if (a.reason() != Rejection.Reason.UNDECODABLE) assertEquals(a.getMessage(), h.getMessage());
        } else if (hand instanceof Instance h && avro instanceof Instance a) {
            assertEquals(a.id, h.id);
            assertEquals(a.eventTime, h.eventTime);
            assertEquals(a.label, h.label);
            assertArrayEquals(a.values, h.values);
        } else {
            throw new AssertionError("Avro's path gave " + avro + ", the hand-written one " + hand);
        }
    }

    private static Object outcome(SampleDecoder d, byte[] bytes, boolean handWritten) {
        try {
            return d.decode(bytes, handWritten);
        } catch (Rejection r) {
            return r;
        }
    }
}
