package io.contrastream.pipeline.drift;

import io.contrastream.model.drift.DriftAnalyzer;
import io.contrastream.model.train.StepStats;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The open drift window: its embeddings, event-time bounds, newest encoder version and the learner's step stats. */
final class WindowAccumulator {

    record Restored(WindowAccumulator window, float[][] reference, long referenceIndex, long windowIndex) {}

    private final List<float[]> vectors = new ArrayList<>();
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long version = -1;
    private long steps;
    private long lastStep;
    private double loss;
    private double posCos;
    private double negCos;
    private long negCount;

    void add(Embedding e) {
        List<Float> v = e.getVector();
        float[] x = new float[v.size()];
        for (int i = 0; i < x.length; i++) x[i] = v.get(i);
        vectors.add(x);
        long t = e.getEventTime().toEpochMilli();
        minTime = Math.min(minTime, t);
        maxTime = Math.max(maxTime, t);
        version = Math.max(version, e.getEncoderVersion());
    }

    void add(StepStats s) {
        lastStep = Math.max(lastStep, s.step());
        if (s.skipped()) return;
        steps++;
        loss += s.loss();
        posCos += s.positiveCosine();
        if (!Double.isNaN(s.negativeCosine())) {
            negCos += s.negativeCosine();
            negCount++;
        }
    }

    int size() {
        return vectors.size();
    }

    float[][] vectors() {
        return vectors.toArray(new float[0][]);
    }

    DriftReport toReport(long index, DriftAnalyzer.WindowMetrics m, Long referenceIndex) {
        double meanPos = steps == 0 ? Double.NaN : posCos / steps;
        return DriftReport.newBuilder()
                .setWindowIndex(index)
                .setWindowStart(Instant.ofEpochMilli(minTime))
                .setWindowEnd(Instant.ofEpochMilli(maxTime))
                .setEncoderVersion(version)
                .setSampleCount(vectors.size())
                .setTrainSteps(steps)
                .setLearnerStep(lastStep)
                .setLoss(steps == 0 ? null : loss / steps)
                .setPositiveCosine(steps == 0 ? null : meanPos)
                .setNegativeCosine(negCount == 0 ? null : negCos / negCount)
                .setAlignment(steps == 0 ? null : 2 - 2 * meanPos)
                .setUniformity(m.uniformity())
                .setCollapseStd(m.collapseStd())
                .setEffectiveRank(m.effectiveRank())
                .setMmd2(m.mmd2())
                .setMmdPValue(m.mmdPValue())
                .setMeanShift(m.meanShift())
                .setReferenceWindowIndex(referenceIndex)
                .build();
    }

    byte[] save(float[][] reference, long referenceIndex, long windowIndex) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(windowIndex);
            out.writeLong(referenceIndex);
            writeRows(out, reference == null ? new float[0][] : reference);
            writeRows(out, vectors());
            out.writeLong(minTime);
            out.writeLong(maxTime);
            out.writeLong(version);
            out.writeLong(steps);
            out.writeLong(lastStep);
            out.writeDouble(loss);
            out.writeDouble(posCos);
            out.writeDouble(negCos);
            out.writeLong(negCount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Restored restore(byte[] saved) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
            long windowIndex = in.readLong();
            long referenceIndex = in.readLong();
            float[][] reference = readRows(in);
            WindowAccumulator w = new WindowAccumulator();
            w.vectors.addAll(List.of(readRows(in)));
            w.minTime = in.readLong();
            w.maxTime = in.readLong();
            w.version = in.readLong();
            w.steps = in.readLong();
            w.lastStep = in.readLong();
            w.loss = in.readDouble();
            w.posCos = in.readDouble();
            w.negCos = in.readDouble();
            w.negCount = in.readLong();
            return new Restored(w, reference.length == 0 ? null : reference, referenceIndex, windowIndex);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt drift state", e);
        }
    }

    private static void writeRows(DataOutputStream out, float[][] rows) throws IOException {
        out.writeInt(rows.length);
        out.writeInt(rows.length == 0 ? 0 : rows[0].length);
        for (float[] r : rows) for (float f : r) out.writeFloat(f);
    }

    private static float[][] readRows(DataInputStream in) throws IOException {
        int n = in.readInt();
        int d = in.readInt();
        float[][] rows = new float[n][d];
        for (float[] r : rows) for (int j = 0; j < d; j++) r[j] = in.readFloat();
        return rows;
    }
}
