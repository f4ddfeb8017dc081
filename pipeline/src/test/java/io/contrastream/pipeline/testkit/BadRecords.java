package io.contrastream.pipeline.testkit;

import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.schema.Embedding;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Deliberately bad input of every kind the job must dead-letter: for the demo and the tests. */
public final class BadRecords {

    /** The kinds, in the order {@link #make} cycles through them. */
    public static final List<String> KINDS = List.of("garbage", "truncated", "nan", "wrong-shape", "other-schema", "empty");

    /** Every kind of {@link #hostile}: those of {@link #make} and the nastier ones a garbage producer sends. */
    public static final List<String> HOSTILE_KINDS = List.of("garbage", "truncated", "nan", "wrong-shape", "other-schema",
            "empty", "minus-inf", "bit-flipped-fingerprint", "huge-length", "random-body", "negative-label", "empty-id",
            "bit-flipped-truncated");

    private BadRecords() {}

    /**
     * The i-th hostile record ({@code HOSTILE_KINDS.get(i % HOSTILE_KINDS.size())}): each is invalid by construction
     * (never a sample that could decode and validate by luck), so a test can demand one dead letter per record.
     */
    public static byte[] hostile(int i, int[] shape, long seed) {
        String kind = HOSTILE_KINDS.get(i % HOSTILE_KINDS.size());
        int basic = KINDS.indexOf(kind);
        if (basic >= 0) return make(basic + KINDS.size() * (i / HOSTILE_KINDS.size()), shape, seed);
        SplittableRandom rng = new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L));
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] values = new float[size];
        for (int j = 0; j < size; j++) values[j] = (float) rng.nextGaussian();
        String id = "hostile-" + i;
        byte[] valid = AvroCodec.encode(SampleProducer.sample(id, 0, shape, values, 1));
        switch (kind) {
            case "minus-inf" -> {
                values[rng.nextInt(size)] = Float.NEGATIVE_INFINITY;
                return AvroCodec.encode(SampleProducer.sample(id, 0, shape, values, null));
            }
            case "bit-flipped-fingerprint" -> {   // bytes 2..9 hold the schema fingerprint: any flip names no schema
                valid[2 + rng.nextInt(8)] ^= (byte) (1 << rng.nextInt(8));
                return valid;
            }
            case "huge-length" -> {               // the header, then an id declared 2^31-1 bytes long
                byte[] b = Arrays.copyOf(valid, 10 + 5);
                b[10] = (byte) 0xFE; b[11] = (byte) 0xFF; b[12] = (byte) 0xFF; b[13] = (byte) 0xFF; b[14] = (byte) 0x0F;
                return b;
            }
            case "random-body" -> {               // a real header and id, then noise where the rest should be
                int prefix = 10 + 1 + id.length();  // header, the id's one-byte length, the id
                byte[] b = Arrays.copyOf(valid, prefix + rng.nextInt(400));
                for (int j = prefix; j < b.length; j++) b[j] = (byte) rng.nextInt(256);
                return b;
            }
            case "negative-label" -> {
                return AvroCodec.encode(SampleProducer.sample(id, 0, shape, values, -1 - rng.nextInt(1000)));
            }
            case "empty-id" -> {
                return AvroCodec.encode(SampleProducer.sample("", 0, shape, values, null));
            }
            case "bit-flipped-truncated" -> {     // cut inside the values, then a bit flipped in what is left
                byte[] b = Arrays.copyOf(valid, valid.length - 1 - rng.nextInt(Math.max(1, 4 * size - 8)));
                int at = 10 + rng.nextInt(b.length - 10);
                b[at] ^= (byte) (1 << rng.nextInt(8));
                return b;
            }
            default -> throw new IllegalStateException(kind);
        }
    }

    /** The i-th bad record for samples of the given shape; the kind is {@code KINDS.get(i % KINDS.size())}. */
    public static byte[] make(int i, int[] shape, long seed) {
        SplittableRandom rng = new SplittableRandom(seed + i);
        int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] values = new float[size];
        for (int j = 0; j < size; j++) values[j] = (float) rng.nextGaussian();
        String id = "bad-" + i;
        switch (KINDS.get(i % KINDS.size())) {
            case "garbage" -> {
                byte[] b = new byte[1 + rng.nextInt(200)];
                for (int j = 0; j < b.length; j++) b[j] = (byte) rng.nextInt(256);
                b[0] = 0x11;   // not the single-object marker, so it can never decode by luck
                return b;
            }
            case "truncated" -> {
                byte[] full = AvroCodec.encode(SampleProducer.sample(id, 0, shape, values, null));
                return Arrays.copyOf(full, 10 + rng.nextInt(Math.max(1, full.length - 20)));
            }
            case "nan" -> {
                values[rng.nextInt(size)] = rng.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                return AvroCodec.encode(SampleProducer.sample(id, 0, shape, values, null));
            }
            case "wrong-shape" -> {
                int[] wrong = Arrays.copyOf(shape, shape.length);
                wrong[0] += 1;
                return AvroCodec.encode(SampleProducer.sample(id, 0, wrong, Arrays.copyOf(values, size + size / wrong[0] + 1), null));
            }
            case "other-schema" -> {
                List<Float> v = List.of(1f, 2f);
                return AvroCodec.encode(Embedding.newBuilder().setSampleId(id).setEventTime(Instant.EPOCH)
                        .setEncoderVersion(1).setVector(v).build());
            }
            default -> {
                return new byte[0];
            }
        }
    }
}
