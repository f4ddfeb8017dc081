package io.contrastream.pipeline.bench;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.decode.Rejection;
import io.contrastream.pipeline.decode.SampleDecoder;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.BadRecords;
import io.contrastream.pipeline.io.SampleProducer;
import java.util.Locale;

/**
 * What hostile input costs the decode stage (issue 5): records per second of {@link SampleDecoder} on valid samples
 * and on the 13 kinds of hostile records, and the heap retained after decoding a million hostile ones (no memory may
 * be kept per bad record). {@code DecodeBench [records] [dim]}; prints one JSON line.
 */
public final class DecodeBench {

    private DecodeBench() {}

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        AvroCodec.init();
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 784;
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
