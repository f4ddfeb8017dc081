package io.contrastream.pipeline.drift;

import io.contrastream.model.drift.DriftAnalyzer;
import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.schema.DriftReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * One drift window: a seeded uniform reservoir (Vitter's algorithm R) of at most {@code capacity} raw rows, the
 * sample count, event-time bounds and the learner's step stats that arrived during the window.
 */
final class WindowAccumulator {

    private final int capacity;
    private final long seed;        // as given, saved with the window
    private final long drawSeed;    // mixed with the window index
    private final long index;
    private final float[][] reservoir;
    private long count;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long steps;
    private long lastStep;
    private long skipped;
    private double loss;
    private double posCos;
    private double negCos;
    private long negCount;

    WindowAccumulator(int capacity, long seed, long index) {
        this.capacity = capacity;
        this.seed = seed;
        this.drawSeed = seed * 31 + index;
        this.index = index;
        this.reservoir = new float[capacity][];
    }

    void add(Instance x) {
        count++;
        if (count <= capacity) {
            reservoir[(int) count - 1] = x.values;
        } else {
            // The draw depends only on (seed, count), so a restored window continues exactly like the original.
            long j = new SplittableRandom(drawSeed + count * 0x9E3779B97F4A7C15L).nextLong(count);
            if (j < capacity) reservoir[(int) j] = x.values;
        }
        minTime = Math.min(minTime, x.eventTime);
        maxTime = Math.max(maxTime, x.eventTime);
    }

    void add(StepStats s) {
        lastStep = Math.max(lastStep, s.step());
        if (s.skipped()) {
            skipped++;
            return;
        }
        steps++;
        loss += s.loss();
        posCos += s.positiveCosine();
        if (!Double.isNaN(s.negativeCosine())) {
            negCos += s.negativeCosine();
            negCount++;
        }
    }

    long count() { return count; }

    long index() { return index; }

    /** The reservoir's rows (all samples if the window held no more than the capacity). */
    float[][] rows() {
        int n = (int) Math.min(count, capacity);
        float[][] out = new float[n][];
        System.arraycopy(reservoir, 0, out, 0, n);
        return out;
    }

    DriftReport toReport(DriftAnalyzer.WindowMetrics m, long version, Long referenceIndex, Double inputShift) {
        double meanPos = steps == 0 ? Double.NaN : posCos / steps;
        return DriftReport.newBuilder()
                .setWindowIndex(index)
                .setWindowStart(Instant.ofEpochMilli(minTime))
                .setWindowEnd(Instant.ofEpochMilli(maxTime))
                .setEncoderVersion(version)
                .setSampleCount((int) count)
                .setTrainSteps(steps)
                .setSkippedSteps(skipped)
                .setLearnerStep(lastStep)
                .setLoss(steps == 0 ? null : loss / steps)
                .setPositiveCosine(steps == 0 ? null : meanPos)
                .setNegativeCosine(negCount == 0 ? null : negCos / negCount)
                .setAlignment(steps == 0 ? null : 2 - 2 * meanPos)
                .setUniformity(m == null ? null : m.uniformity())
                .setCollapseStd(m == null ? null : m.collapseStd())
                .setEffectiveRank(m == null ? null : m.effectiveRank())
                .setMmd2(m == null ? null : m.mmd2())
                .setMmdPValue(m == null ? null : m.mmdPValue())
                .setMeanShift(m == null ? null : m.meanShift())
                .setReferenceWindowIndex(referenceIndex)
                .setInputMeanShift(inputShift)
                .build();
    }

    byte[] save() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(capacity);
            out.writeLong(seed);
            out.writeLong(index);
            float[][] rows = rows();
            out.writeInt(rows.length);
            for (float[] r : rows) {
                out.writeInt(r.length);
                for (float f : r) out.writeFloat(f);
            }
            for (long v : new long[] {count, minTime, maxTime, steps, lastStep, skipped, negCount}) out.writeLong(v);
            for (double v : new double[] {loss, posCos, negCos}) out.writeDouble(v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Restores a saved window. */
    static WindowAccumulator restore(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            int capacity = in.readInt();
            long seed = in.readLong();
            long index = in.readLong();
            WindowAccumulator w = new WindowAccumulator(capacity, seed, index);
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                float[] r = new float[in.readInt()];
                for (int j = 0; j < r.length; j++) r[j] = in.readFloat();
                w.reservoir[i] = r;
            }
            w.count = in.readLong();
            w.minTime = in.readLong();
            w.maxTime = in.readLong();
            w.steps = in.readLong();
            w.lastStep = in.readLong();
            w.skipped = in.readLong();
            w.negCount = in.readLong();
            w.loss = in.readDouble();
            w.posCos = in.readDouble();
            w.negCos = in.readDouble();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt drift state", e);
        }
    }
}
