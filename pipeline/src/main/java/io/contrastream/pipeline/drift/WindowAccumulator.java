package io.contrastream.pipeline.drift;

import io.contrastream.model.drift.DriftAnalyzer;
import io.contrastream.model.state.StateCodec;
import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.schema.DriftReport;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * One drift window: a seeded uniform reservoir (Vitter's algorithm R) of at most {@code capacity} raw rows, the
 * sample count, event-time bounds and the learner's step stats that arrived during the window.
 */
final class WindowAccumulator {

    private static final String KIND = "drift-window";
    /** 2: {@link StateCodec}; 1 came before it, see {@link #restoreLegacy(byte[])}. */
    private static final int FORMAT = 2;

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
        return new StateCodec.Writer(KIND, FORMAT)
                .section("window", out -> {
                    out.writeInt(capacity);
                    out.writeLong(seed);
                    out.writeLong(index);
                })
                .section("reservoir", out -> StateCodec.writeRows(out, rows()))
                .section("samples", out -> {
                    for (long v : new long[] {count, minTime, maxTime}) out.writeLong(v);
                })
                .section("steps", out -> {
                    for (long v : new long[] {steps, lastStep, skipped, negCount}) out.writeLong(v);
                    for (double v : new double[] {loss, posCos, negCos}) out.writeDouble(v);
                })
                .toBytes();
    }

    /** Restores a saved window (of this format or the one before it). */
    static WindowAccumulator restore(byte[] saved) {
        if (!StateCodec.encoded(saved)) return restoreLegacy(saved);
        StateCodec.Reader r = new StateCodec.Reader(saved, KIND, FORMAT);
        WindowAccumulator w = r.section("window", WindowAccumulator::readWindow);
        r.read("reservoir", w::readReservoir);
        r.read("samples", w::readSamples);
        r.read("steps", w::readSteps);
        return w;
    }

    /** Format 1, from before {@link StateCodec}: the sections' contents one after the other, without names. */
    private static WindowAccumulator restoreLegacy(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            WindowAccumulator w = readWindow(in);
            w.readReservoir(in);
            w.readSamples(in);
            w.readSteps(in);
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt drift state", e);
        }
    }

    private static WindowAccumulator readWindow(DataInputStream in) throws IOException {
        return new WindowAccumulator(in.readInt(), in.readLong(), in.readLong());
    }

    private void readReservoir(DataInputStream in) throws IOException {
        float[][] rows = StateCodec.readRows(in);
        System.arraycopy(rows, 0, reservoir, 0, rows.length);
    }

    private void readSamples(DataInputStream in) throws IOException {
        count = in.readLong();
        minTime = in.readLong();
        maxTime = in.readLong();
    }

    private void readSteps(DataInputStream in) throws IOException {
        steps = in.readLong();
        lastStep = in.readLong();
        skipped = in.readLong();
        negCount = in.readLong();
        loss = in.readDouble();
        posCos = in.readDouble();
        negCos = in.readDouble();
    }
}
