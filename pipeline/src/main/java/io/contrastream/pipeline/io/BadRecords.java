package io.contrastream.pipeline.io;

import io.contrastream.schema.Embedding;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Deliberately bad input of every kind the job must dead-letter: for the demo and the tests. */
public final class BadRecords {

    /** The kinds, in the order {@link #make} cycles through them. */
    public static final List<String> KINDS = List.of("garbage", "truncated", "nan", "wrong-shape", "other-schema", "empty");

    private BadRecords() {}

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
