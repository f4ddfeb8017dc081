package io.contrastream.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.InputStandardization;
import io.contrastream.schema.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The hand-written codecs against Avro's own: the same bytes out, the same records back, over seeded random records
 * of every shape the schemas allow (empty arrays, null and present unions, NaN, -0.0, non-ASCII strings).
 */
class HandWrittenCodecTest {

    private static final int RECORDS = 300;

    @Test
    void samplesEncodeToAvrosBytesAndDecodeToAvrosRecords() throws IOException {
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < RECORDS; i++) roundTrip(Sample.class, randomSample(rng));
    }

    @Test
    void embeddingsEncodeToAvrosBytesAndDecodeToAvrosRecords() throws IOException {
        SplittableRandom rng = new SplittableRandom(18);
        for (int i = 0; i < RECORDS; i++) {
            roundTrip(Embedding.class, new Embedding(string(rng), Instant.ofEpochMilli(rng.nextLong()), rng.nextLong(),
                    floats(rng, rng.nextInt(300)), rng.nextBoolean() ? null : string(rng)));
        }
    }

    @Test
    void snapshotsEncodeToAvrosBytesAndDecodeToAvrosRecords() throws IOException {
        SplittableRandom rng = new SplittableRandom(19);
        for (int i = 0; i < RECORDS; i++) {
            int e = rng.nextInt(8);
            roundTrip(EncoderSnapshot.class, new EncoderSnapshot(rng.nextLong(), rng.nextLong(), string(rng),
                    floats(rng, rng.nextInt(5000)), rng.nextBoolean() ? null : string(rng),
                    rng.nextBoolean() ? null : floats(rng, e * e),
                    rng.nextBoolean() ? null : new InputStandardization(floats(rng, e), floats(rng, e))));
        }
    }

    @Test
    void arraysSplitIntoSeveralBlocksDecode() throws IOException {
        // Avro's blocking encoder writes long arrays as several blocks with negative counts and byte sizes: legal
        // Avro that no writer of this project produces, and the hand-written reader must still follow it.
        SplittableRandom rng = new SplittableRandom(20);
        for (int i = 0; i < 20; i++) {
            Sample s = randomSample(rng);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Arrays.copyOf(AvroCodec.encodeGeneric(s), 10));   // the header
            BinaryEncoder blocking = new EncoderFactory().configureBlockSize(64).blockingBinaryEncoder(out, null);
            new SpecificDatumWriter<Sample>(Sample.class).write(s, blocking);
            blocking.flush();
            assertEquals(AvroCodec.decode(Sample.getDecoder(), out.toByteArray()), AvroCodec.decode(Sample.class, out.toByteArray()));
        }
    }

    @Test
    void aRecordOfAnEarlierWriterSchemaTakesAvrosPath() throws Exception {
        Schema v1;
        try (var in = getClass().getResourceAsStream("/io/contrastream/schema/previous/EncoderSnapshot.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        AvroCodec.init();   // registers the previous schemas with the fallback decoder
        GenericRecord old = new GenericData.Record(v1);
        old.put("version", 3L);
        old.put("step", 60L);
        old.put("config", "{}");
        old.put("weights", List.of(0.5f, -1f));
        ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        EncoderSnapshot s = AvroCodec.decode(EncoderSnapshot.class, bytes);
        assertEquals(3L, s.getVersion());
        assertArrayEquals(new float[] {0.5f, -1f}, FloatList.toArray(s.getWeights()));
        assertNull(s.getSpaceId());
    }

    @Test
    void truncatedAndCorruptRecordsFailLikeAvro() throws IOException {
        SplittableRandom rng = new SplittableRandom(21);
        byte[] valid = AvroCodec.encode(randomSnapshotWithArrays(rng));
        for (int cut = 10; cut < valid.length; cut += 1 + cut / 50) {
            byte[] truncated = Arrays.copyOf(valid, cut);
            assertThrows(Exception.class, () -> AvroCodec.decode(EncoderSnapshot.class, truncated), "cut at " + cut);
        }
        byte[] hugeCount = Arrays.copyOf(valid, 30);   // version, step, then a config string that claims 2^31 bytes
        System.arraycopy(new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, 0, hugeCount, 10, 7);
        assertThrows(Exception.class, () -> AvroCodec.decode(EncoderSnapshot.class, hugeCount));
    }

    @Test
    void aFloatListIsEqualToAnyListOfTheSameFloats() {
        List<Float> boxed = new ArrayList<>(List.of(1f, Float.NaN, -0f));
        FloatList unboxed = FloatList.wrap(new float[] {1f, Float.NaN, -0f});
        assertEquals(boxed, unboxed);
        assertEquals(unboxed, boxed);
        assertEquals(boxed.hashCode(), unboxed.hashCode());
        assertEquals(unboxed, FloatList.copyOf(boxed));
        assertInstanceOf(FloatList.class, FloatList.copyOf(boxed));
        assertEquals(false, unboxed.equals(FloatList.wrap(new float[] {1f, Float.NaN, 0f})), "0.0 and -0.0 differ as Floats do");
    }

    /** Encodes with both writers (same bytes), decodes with both readers (same record, equal to the original). */
    private static <T extends SpecificRecord> void roundTrip(Class<T> type, T record) throws IOException {
        byte[] generic = AvroCodec.encodeGeneric(record);
        byte[] hand = AvroCodec.encode(record);
        assertArrayEquals(generic, hand, () -> "bytes of " + record);
        @SuppressWarnings("unchecked")
        T byAvro = (T) decoderOf(type).decode(generic);
        T byHand = AvroCodec.decode(type, hand);
        assertEquals(byAvro, byHand);
        assertEquals(record, byHand);
    }

    private static org.apache.avro.message.BinaryMessageDecoder<?> decoderOf(Class<?> type) {
        if (type == Sample.class) return Sample.getDecoder();
        if (type == Embedding.class) return Embedding.getDecoder();
        return EncoderSnapshot.getDecoder();
    }

    private static Sample randomSample(SplittableRandom rng) {
        List<Integer> shape = new ArrayList<>();
        for (int d = rng.nextInt(4); d > 0; d--) shape.add(rng.nextInt(-5, 1000));
        Map<String, String> attributes = new HashMap<>();
        for (int a = rng.nextInt(3); a > 0; a--) attributes.put(string(rng), string(rng));
        return new Sample(string(rng), Instant.ofEpochMilli(rng.nextLong()), shape, floats(rng, rng.nextInt(2000)),
                rng.nextBoolean() ? null : rng.nextInt(), attributes);
    }

    private static EncoderSnapshot randomSnapshotWithArrays(SplittableRandom rng) {
        return new EncoderSnapshot(7L, 140L, "{\"kind\":\"mlp\"}", floats(rng, 1000), "space", floats(rng, 16),
                new InputStandardization(floats(rng, 4), floats(rng, 4)));
    }

    /** Mostly Gaussian values, with the floats that trip up careless code mixed in; half boxed, half FloatList. */
    private static List<Float> floats(SplittableRandom rng, int n) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE, Float.MAX_VALUE};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(50) == 0 ? special[rng.nextInt(special.length)] : (float) rng.nextGaussian();
        if (rng.nextBoolean()) return FloatList.wrap(v);
        List<Float> boxed = new ArrayList<>(n);
        for (float f : v) boxed.add(f);
        return boxed;
    }

    private static String string(SplittableRandom rng) {
        String[] pieces = {"", "a", "sample-", "ü", "名前", "\uD83D\uDE00", "0123456789"};
        StringBuilder b = new StringBuilder();
        for (int i = rng.nextInt(5); i > 0; i--) b.append(pieces[rng.nextInt(pieces.length)]);
        return b.toString();
    }
}
