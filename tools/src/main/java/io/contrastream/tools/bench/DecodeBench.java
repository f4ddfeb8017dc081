package io.contrastream.tools.bench;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.decode.Rejection;
import io.contrastream.pipeline.decode.SampleDecoder;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.FloatList;
import io.contrastream.pipeline.io.RecordTypeInfo;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.Sample;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * What the decode stage costs. {@code DecodeBench [records] [dim]} (issue 5): records per second of {@link SampleDecoder}
 * on valid samples and on the 13 kinds of hostile records, and the heap retained after a million hostile ones.
 * {@code DecodeBench compare [dim] [weights] [rounds]} (issue 17): CPU ns and allocated bytes per record of the boxed
 * Avro path the job had before and of the hand-written codecs, interleaved in one JVM (weights default to bench-e2e's
 * MLP encoder, 784-512-256: 533,248). Prints JSON lines. GC threads'
 * work is not in these CPU times; allocated bytes stand for it.
 */
public final class DecodeBench {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static volatile long sink;   // results feed it, so no measured loop is optimised away

    private DecodeBench() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        AvroCodec.init();
        if (args.length > 0 && args[0].equals("compare")) {
            compare(args.length > 1 ? Integer.parseInt(args[1]) : 784, args.length > 2 ? Integer.parseInt(args[2]) : 533_248,
                    args.length > 3 ? Integer.parseInt(args[3]) : 12);
        } else {
            hostile(args.length > 0 ? Integer.parseInt(args[0]) : 100_000, args.length > 1 ? Integer.parseInt(args[1]) : 784);
        }
    }

    // ---- issue 17: the boxed path against the hand-written one ----

    /** One operation measured both ways: the path before issue 17 and the one after. */
    private record Case(String name, IntFunction<Object> before, IntFunction<Object> after) {}

    private static void compare(int dim, int weights, int rounds) throws Exception {
        SplittableRandom rng = new SplittableRandom(7);
        int[] shape = {dim};
        SyntheticStream stream = new SyntheticStream(dim, 10, -1, 7);
        float[][] rows = new float[256][];
        byte[][] samples = new byte[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            SyntheticStream.Example e = stream.example(i);
            rows[i] = e.values();
            samples[i] = AvroCodec.encode(SampleProducer.sample(e.id(), 1000 + i, shape, e.values(), e.label()));
        }
        float[] w = new float[weights];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * 0.05);
        EncoderSnapshot snapshot = new EncoderSnapshot(5L, 100L, "{}", FloatList.wrap(w), "space", null, null);
        byte[] snapshotBytes = AvroCodec.encode(snapshot);
        float[][] vectors = new float[256][256];   // bench-e2e's MLP embeds into 256 dimensions
        for (float[] v : vectors) for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        SampleDecoder decoder = new SampleDecoder(shape);
        // Flink's serializers for the two streams, before (AvroTypeInfo) and after (RecordTypeInfo).
        TypeSerializer<Embedding> embeddingsBefore = new AvroTypeInfo<>(Embedding.class).createSerializer(new SerializerConfigImpl());
        TypeSerializer<Embedding> embeddingsAfter = RecordTypeInfo.embeddings().createSerializer(new SerializerConfigImpl());
        TypeSerializer<EncoderSnapshot> snapshotsBefore = new AvroTypeInfo<>(EncoderSnapshot.class).createSerializer(new SerializerConfigImpl());
        TypeSerializer<EncoderSnapshot> snapshotsAfter = RecordTypeInfo.snapshots().createSerializer(new SerializerConfigImpl());

        List<Case> cases = List.of(
                new Case("sample_decode_" + dim, i -> legacyDecode(samples[i % samples.length]), i -> decode(decoder, samples[i % samples.length])),
                new Case("sample_encode_" + dim,
                        i -> AvroCodec.encodeGeneric(legacySample("s", i, shape, rows[i % rows.length])),
                        i -> AvroCodec.encode(SampleProducer.sample("s", i, shape, rows[i % rows.length], null))),
                // The embed operator's output: built, copied to the chained Kafka sink, encoded by the sink.
                new Case("embedding_out_256",
                        i -> AvroCodec.encodeGeneric(embeddingsBefore.copy(Embedding.newBuilder().setSampleId("s")
                                .setEventTime(Instant.ofEpochMilli(i)).setEncoderVersion(1).setVector(boxed(vectors[i % vectors.length]))
                                .setSpaceId("space").build())),
                        i -> AvroCodec.encode(embeddingsAfter.copy(
                                new Embedding("s", Instant.ofEpochMilli(i), 1L, FloatList.wrap(vectors[i % vectors.length]), "space")))),
                new Case("snapshot_decode_" + weights,
                        i -> unboxed(decodeSnapshot(snapshotBytes, false).getWeights()),
                        i -> FloatList.toArray(decodeSnapshot(snapshotBytes, true).getWeights())),
                new Case("snapshot_encode_" + weights,
                        i -> AvroCodec.encodeGeneric(withWeights(snapshot, boxed(w))),
                        i -> AvroCodec.encode(withWeights(snapshot, FloatList.wrap(w.clone())))),
                // A published snapshot in the job: built from the learner's array, broadcast to an embedder (a network
                // hop) that unboxes its weights, copied to the chained snapshot sink, which encodes it.
                new Case("snapshot_in_job_" + weights,
                        i -> inJob(withWeights(snapshot, boxed(w)), snapshotsBefore, DecodeBench::unboxed, AvroCodec::encodeGeneric),
                        i -> inJob(withWeights(snapshot, FloatList.wrap(w.clone())), snapshotsAfter, FloatList::toArray, AvroCodec::encode)));

        for (Case c : cases) {
            List<double[]> measured = new ArrayList<>();   // per round: ns/op before, after; bytes/op before, after
            for (int round = 0; round < rounds; round++) {
                boolean beforeFirst = round % 2 == 0;   // alternate, so neither path always runs on a warmer machine
                double[] first = run(beforeFirst ? c.before() : c.after());
                double[] second = run(beforeFirst ? c.after() : c.before());
                double[] b = beforeFirst ? first : second;
                double[] a = beforeFirst ? second : first;
                if (round >= rounds / 3) measured.add(new double[] {b[0], a[0], b[1], a[1]});   // the first third warms up
            }
            double[] ratio = measured.stream().mapToDouble(m -> m[0] / m[1]).sorted().toArray();
            System.out.printf("{\"case\": \"%s\", \"rounds\": %d, \"before_cpu_ns\": %.0f, \"after_cpu_ns\": %.0f, \"speedup_median\": %.2f, "
                            + "\"speedup_min\": %.2f, \"speedup_max\": %.2f, \"before_bytes\": %.0f, \"after_bytes\": %.0f}%n",
                    c.name(), measured.size(), median(measured, 0), median(measured, 1), ratio[ratio.length / 2], ratio[0],
                    ratio[ratio.length - 1], median(measured, 2), median(measured, 3));
        }
        if (sink == 42) System.out.println();
    }

    /**
     * Runs {@code op} for at least 200 ms of this thread's CPU time: CPU ns (core-ns, the unit of the budget,
     * and steadier than wall time on a shared machine) and bytes allocated per call on this thread.
     */
    private static double[] run(IntFunction<Object> op) {
        long bytes0 = THREADS.getCurrentThreadAllocatedBytes();
        long start = THREADS.getCurrentThreadCpuTime();
        long deadline = start + 200_000_000L;
        int n = 0;
        long acc = 0;
        do {
            for (int k = 0; k < 8; k++, n++) acc += length(op.apply(n));
        } while (THREADS.getCurrentThreadCpuTime() < deadline);
        long ns = THREADS.getCurrentThreadCpuTime() - start;
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - bytes0;
        sink += acc;
        return new double[] {(double) ns / n, (double) bytes / n};
    }

    private static int length(Object result) {
        return result instanceof byte[] b ? b.length : ((float[]) result).length;
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }

    private static Object inJob(EncoderSnapshot s, TypeSerializer<EncoderSnapshot> serializer, Function<List<Float>, float[]> weights,
                                Function<EncoderSnapshot, byte[]> encode) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(1024);
            serializer.serialize(s, out);
            float[] w = weights.apply(serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length())).getWeights());
            byte[] bytes = encode.apply(serializer.copy(s));
            return bytes.length + w.length > 0 ? bytes : w;   // uses both, so neither step is optimised away
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code SampleDecoder} did before issue 17: Avro's specific reader, then a boxed read of every value. */
    private static Object legacyDecode(byte[] bytes) {
        try {
            Sample s = AvroCodec.decode(Sample.getDecoder(), bytes);
            List<Float> values = s.getValues();
            float[] x = new float[values.size()];
            for (int i = 0; i < x.length; i++) {
                float v = values.get(i);
                if (!Float.isFinite(v)) throw new IllegalStateException("value " + v + " at index " + i);
                x[i] = v;
            }
            return x;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object decode(SampleDecoder decoder, byte[] bytes) {
        try {
            return decoder.decode(bytes).values;
        } catch (Rejection r) {
            throw new IllegalStateException(r);
        }
    }

    /** What {@code SampleProducer.sample} built before issue 17: boxed shape and values, through the builder. */
    private static Sample legacySample(String id, long time, int[] shape, float[] values) {
        List<Integer> s = new ArrayList<>(shape.length);
        for (int d : shape) s.add(d);
        return Sample.newBuilder().setId(id).setEventTime(Instant.ofEpochMilli(time)).setShape(s).setValues(boxed(values))
                .setLabel(null).setAttributes(Map.of()).build();
    }

    private static EncoderSnapshot decodeSnapshot(byte[] bytes, boolean handWritten) {
        try {
            return handWritten ? AvroCodec.decode(EncoderSnapshot.class, bytes) : AvroCodec.decode(EncoderSnapshot.getDecoder(), bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EncoderSnapshot withWeights(EncoderSnapshot s, List<Float> weights) {
        return new EncoderSnapshot(s.getVersion(), s.getStep(), s.getConfig(), weights, s.getSpaceId(), s.getAlignment(),
                s.getInputStandardization());
    }

    /** The List<Float> the job built before issue 17 (Snapshots.floats, EmbedOperator). */
    private static List<Float> boxed(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) out.add(f);
        return out;
    }

    /** The unboxing copy the job made before issue 17 (Snapshots.floats). */
    private static float[] unboxed(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        return out;
    }

    // ---- issue 5: what hostile input costs ----

    private static void hostile(int n, int dim) {
        int[] shape = {dim};
        byte[][] valid = new byte[1000][];
        byte[][] hostile = new byte[1300][];
        SyntheticStream stream = new SyntheticStream(dim, 10, -1, 7);
        for (int i = 0; i < valid.length; i++) {
            SyntheticStream.Example e = stream.example(i);
            valid[i] = AvroCodec.encode(SampleProducer.sample(e.id(), 1000 + i, shape, e.values(), e.label()));
        }
        for (int i = 0; i < hostile.length; i++) hostile[i] = BadRecords.hostile(i, shape, 7);
        SampleDecoder decoder = new SampleDecoder(shape);
        for (int round = 0; round < 3; round++) {   // warm-up rounds, then the measured one
            double validRate = rate(decoder, valid, n);
            double hostileRate = rate(decoder, hostile, n);
            if (round < 2) continue;
            long before = usedAfterGc();
            rate(decoder, hostile, 1_000_000);
            long after = usedAfterGc();
            System.out.printf("{\"records\": %d, \"dim\": %d, \"valid_per_s\": %.0f, \"hostile_per_s\": %.0f, "
                            + "\"hostile_over_valid\": %.2f, \"heap_mb_before\": %.1f, \"heap_mb_after_1m_hostile\": %.1f}%n",
                    n, dim, validRate, hostileRate, hostileRate / validRate, before / 1e6, after / 1e6);
        }
    }

    private static double rate(SampleDecoder decoder, byte[][] records, int n) {
        long start = System.nanoTime();
        int rejected = 0;
        for (int i = 0; i < n; i++) {
            try {
                decoder.decode(records[i % records.length]);
            } catch (Rejection r) {
                rejected++;
            }
        }
        if (rejected < 0) throw new AssertionError();   // keeps the loop from being optimised away
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
