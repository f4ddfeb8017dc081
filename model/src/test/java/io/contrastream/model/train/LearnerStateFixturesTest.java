package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.contrastream.model.encoder.EncoderConfig;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Learner states of every method as written before the learner was split by method (issue 19), kept as files: each
 * must restore, save again to the same bytes, and train on as it did, so old checkpoints keep restoring. Rewrite them
 * only on purpose: {@code mvn -o -pl model test -Dtest=LearnerStateFixturesTest -Dfixtures.write=true}.
 */
class LearnerStateFixturesTest {

    private static final Path DIR = Path.of("src/test/resources/state-fixtures");
    private static final EncoderConfig MLP = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {16},
            new int[] {32}, 16, 16, 8, 42);
    private static final int B = 8;
    private static final int TRAIN_STEPS = 6;   // one of them skipped: 5 accepted × 8 keys wrap the queue of 24
    private static final int NEXT_STEPS = 3;
    private static final int SKIPPED = 2;       // the step whose batch holds a NaN
    private static final double TOLERANCE = 1e-6;   // BLAS kernels of another CPU may round differently

    private static LearnerConfig config(LearnerConfig.Method method) {
        return new LearnerConfig(24, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-2, 1e-4, new QueueHygiene(true, 1.0, 2),
                LearnerConfig.Debiasing.NONE, method);
    }

    /** Seeded step {@code s}: two views of B rows and ids that repeat every 20 samples, so queued ids get masked. */
    private static StepStats step(Learner learner, int s) {
        float[] view1 = gaussian(1000L * s + 1);
        float[] view2 = gaussian(1000L * s + 2);
        if (s == SKIPPED) view1[5] = Float.NaN;
        long[] ids = new long[B];
        for (int i = 0; i < B; i++) ids[i] = 1 + (s * B + i) % 20;
        return learner.step(view1, view2, ids, B);
    }

    private static float[] gaussian(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[B * MLP.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    private static String name(LearnerConfig.Method method) {
        return "learner-" + method.name().toLowerCase(Locale.ROOT);
    }

    private static int[] probes(int length) {
        return new int[] {0, length / 2, length - 1};
    }

    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeTheFixtures() throws IOException {
        Files.createDirectories(DIR);
        for (LearnerConfig.Method method : LearnerConfig.Method.values()) {
            Learner learner = new Learner(MLP, config(method));
            StringBuilder side = new StringBuilder("# " + name(method) + ".bin: seeded steps 0.." + (TRAIN_STEPS - 1)
                    + " of LearnerStateFixturesTest; stats: loss, positive and negative cosine, queue fill, gradient norm,"
                    + " skipped, excluded negatives, queue age median and max\n");
            for (int s = 0; s < TRAIN_STEPS; s++) side.append("train.").append(s).append('=').append(csv(step(learner, s))).append('\n');
            byte[] state = LearnerState.save(learner);
            side.append("step=").append(learner.step()).append('\n');
            side.append("skippedSteps=").append(learner.skippedSteps()).append('\n');
            float[] w = learner.snapshot(0).weights();
            for (int i : probes(w.length)) side.append("query.").append(i).append('=').append(w[i]).append('\n');
            for (int s = TRAIN_STEPS; s < TRAIN_STEPS + NEXT_STEPS; s++) {
                side.append("next.").append(s).append('=').append(csv(step(learner, s))).append('\n');
            }
            Files.write(DIR.resolve(name(method) + ".bin"), state);
            Files.writeString(DIR.resolve(name(method) + ".txt"), side.toString());
        }
    }

    private static String csv(StepStats s) {
        return s.loss() + "," + s.positiveCosine() + "," + s.negativeCosine() + "," + s.queueFill() + "," + s.gradientNorm()
                + "," + s.skipped() + "," + s.excludedNegatives() + "," + s.queueAgeMedian() + "," + s.queueAgeMax();
    }

    /** Rounding room around an expected value; none around NaN, which must come out NaN. */
    private static double tolerance(double expected) {
        return Double.isFinite(expected) ? TOLERANCE * Math.max(1, Math.abs(expected)) : 0;
    }

    private static void assertStats(String expected, StepStats actual, String what) {
        String[] e = expected.split(",");
        double[] values = {actual.loss(), actual.positiveCosine(), actual.negativeCosine(), actual.queueFill(), actual.gradientNorm()};
        for (int i = 0; i < values.length; i++) {
            double x = Double.parseDouble(e[i]);
            assertEquals(x, values[i], tolerance(x), what + ", field " + i);
        }
        assertEquals(e[5] + "," + e[6] + "," + e[7] + "," + e[8], actual.skipped() + "," + actual.excludedNegatives() + ","
                + actual.queueAgeMedian() + "," + actual.queueAgeMax(), what);
    }

    private static byte[] fixture(LearnerConfig.Method method) throws IOException {
        try (InputStream in = LearnerStateFixturesTest.class.getResourceAsStream("/state-fixtures/" + name(method) + ".bin")) {
            assertNotNull(in, name(method) + ".bin is missing");
            return in.readAllBytes();
        }
    }

    private static Properties sidecar(LearnerConfig.Method method) throws IOException {
        try (InputStream in = LearnerStateFixturesTest.class.getResourceAsStream("/state-fixtures/" + name(method) + ".txt")) {
            assertNotNull(in, name(method) + ".txt is missing");
            Properties p = new Properties();
            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            return p;
        }
    }

    private static Learner restored(LearnerConfig.Method method) throws IOException {
        Learner learner = new Learner(MLP, config(method));
        LearnerState.restore(learner, fixture(method));
        return learner;
    }

    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aFixtureRestoresAndSavesToTheSameBytes(LearnerConfig.Method method) throws IOException {
        Properties side = sidecar(method);
        Learner learner = restored(method);
        assertEquals(Long.parseLong(side.getProperty("step")), learner.step());
        assertEquals(Long.parseLong(side.getProperty("skippedSteps")), learner.skippedSteps());
        float[] w = learner.snapshot(0).weights();
        for (int i : probes(w.length)) assertEquals(Float.parseFloat(side.getProperty("query." + i)), w[i], 0f, "query weight " + i);
        assertArrayEquals(fixture(method), LearnerState.save(learner), "saved again, byte for byte");
    }

    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aRestoredFixtureTrainsOnAsRecorded(LearnerConfig.Method method) throws IOException {
        Properties side = sidecar(method);
        Learner learner = restored(method);
        for (int s = TRAIN_STEPS; s < TRAIN_STEPS + NEXT_STEPS; s++) assertStats(side.getProperty("next." + s), step(learner, s), "step " + s);
    }

    /** A fresh learner takes the recorded steps and writes the fixture's fields (floats within rounding). */
    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aFreshLearnerTrainsAndSavesAsRecorded(LearnerConfig.Method method) throws IOException {
        Properties side = sidecar(method);
        Learner learner = new Learner(MLP, config(method));
        for (int s = 0; s < TRAIN_STEPS; s++) assertStats(side.getProperty("train." + s), step(learner, s), "step " + s);
        List<Object> expected = fields(fixture(method));
        List<Object> actual = fields(LearnerState.save(learner));
        assertEquals(expected.size(), actual.size(), "number of fields");
        for (int f = 0; f < expected.size(); f++) {
            if (expected.get(f) instanceof float[] e) {
                float[] a = (float[]) actual.get(f);
                assertEquals(e.length, a.length, "length of field " + f);
                for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tolerance(e[i]), "field " + f + "[" + i + "]");
            } else if (expected.get(f) instanceof Double e) {
                assertEquals(e, (Double) actual.get(f), tolerance(e), "field " + f);
            } else {
                assertEquals(expected.get(f), actual.get(f), "field " + f);
            }
        }
    }

    /** The fields of a CLS5 state in order (float sections as float[], long sections as lists). */
    private static List<Object> fields(byte[] state) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
        List<Object> f = new ArrayList<>(List.of(in.readInt(), in.readUTF()));
        int queueSize = in.readInt();
        f.addAll(List.of(queueSize, in.readUTF(), in.readLong(), in.readLong(), in.readDouble()));
        for (int a = 0; a < 3; a++) f.add(floats(in));                        // query, key, optimizer
        f.addAll(List.of(in.readInt(), in.readInt(), floats(in)));             // queue head, size, keys
        for (int a = 0; a < 2; a++) {                                          // queue ids, enqueue steps
            List<Long> longs = new ArrayList<>();
            for (int i = 0; i < queueSize; i++) longs.add(in.readLong());
            f.add(longs);
        }
        boolean predictor = in.readBoolean();
        f.add(predictor);
        if (predictor) for (int a = 0; a < 2; a++) f.add(floats(in));          // predictor, its optimizer
        assertEquals(0, in.available(), "bytes after the last field");
        return f;
    }

    private static float[] floats(DataInputStream in) throws IOException {
        float[] v = new float[in.readInt()];
        for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
        return v;
    }
}
