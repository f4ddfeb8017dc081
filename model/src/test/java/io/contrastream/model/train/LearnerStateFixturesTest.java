package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.state.StateCodec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Learner states of every method kept as files: CLS5 ({@code learner-<method>.bin}, written before the learner was
 * split by method, issue 19) and format 6 ({@code learner-<method>-v6.bin}, {@link io.contrastream.model.state.StateCodec}).
 * Each must restore and train on as it did, so old checkpoints keep restoring; a CLS5 state saved again is format 6 and
 * restores to the same learner. Write the format-6 files (never the CLS5 ones) only on purpose:
 * {@code mvn -o -pl model test -Dtest=LearnerStateFixtures -Dfixtures.write=true} ({@link LearnerStateFixtures}).
 */
class LearnerStateFixturesTest {

    static final Path DIR = Path.of("src/test/resources/state-fixtures");
    static final EncoderConfig MLP = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {16},
            new int[] {32}, 16, 16, 8, 42);
    private static final int B = 8;
    static final int TRAIN_STEPS = 6;   // one of them skipped: 5 accepted × 8 keys wrap the queue of 24
    static final int NEXT_STEPS = 3;
    private static final int SKIPPED = 2;       // the step whose batch holds a NaN
    private static final double TOLERANCE = 1e-6;   // BLAS kernels of another CPU may round differently

    static LearnerConfig config(LearnerConfig.Method method) {
        return new LearnerConfig(24, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-2, 1e-4, new QueueHygiene(true, 1.0, 2),
                LearnerConfig.Debiasing.NONE, method);
    }

    /** Seeded step {@code s}: two views of B rows and ids that repeat every 20 samples, so queued ids get masked. */
    static StepStats step(Learner learner, int s) {
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

    /** The fixture of a method in CLS5 (the last layout before StateCodec). */
    static String cls5(LearnerConfig.Method method) {
        return "learner-" + method.name().toLowerCase(Locale.ROOT);
    }

    /** The fixture of a method in format 6 (StateCodec). */
    static String v6(LearnerConfig.Method method) {
        return cls5(method) + "-v6";
    }

    static int[] probes(int length) {
        return new int[] {0, length / 2, length - 1};
    }

    static String csv(StepStats s) {
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

    private static Properties sidecar(String fixture) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(StateFixtures.read(fixture + ".txt"), StandardCharsets.UTF_8)));
        return p;
    }

    private static Learner restored(LearnerConfig.Method method, byte[] state) {
        Learner learner = new Learner(MLP, config(method));
        LearnerState.restore(learner, state);
        return learner;
    }

    /** The restored learner is where the fixture's sidecar says, and trains on as recorded. */
    private static void assertAsRecorded(String fixture, Learner learner) throws IOException {
        Properties side = sidecar(fixture);
        assertEquals(Long.parseLong(side.getProperty("step")), learner.step());
        assertEquals(Long.parseLong(side.getProperty("skippedSteps")), learner.skippedSteps());
        float[] w = learner.snapshot(0).weights();
        for (int i : probes(w.length)) assertEquals(Float.parseFloat(side.getProperty("query." + i)), w[i], 0f, "query weight " + i);
        for (int s = TRAIN_STEPS; s < TRAIN_STEPS + NEXT_STEPS; s++) assertStats(side.getProperty("next." + s), step(learner, s), "step " + s);
    }

    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aCls5FixtureRestoresAndTrainsOnAsRecorded(LearnerConfig.Method method) throws IOException {
        assertAsRecorded(cls5(method), restored(method, StateFixtures.read(cls5(method) + ".bin")));
    }

    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aCls5FixtureSavedAgainIsFormat6AndRestoresTheSame(LearnerConfig.Method method) throws IOException {
        byte[] saved = LearnerState.save(restored(method, StateFixtures.read(cls5(method) + ".bin")));
        assertTrue(StateCodec.encoded(saved), "saved in the codec's layout");
        Learner again = restored(method, saved);
        assertArrayEquals(saved, LearnerState.save(again), "format 6 restores and saves to the same bytes");
        assertAsRecorded(cls5(method), again);
    }

    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aFormat6FixtureRestoresSavesToTheSameBytesAndTrainsOn(LearnerConfig.Method method) throws IOException {
        byte[] fixture = StateFixtures.read(v6(method) + ".bin");
        assertArrayEquals(fixture, LearnerState.save(restored(method, fixture)), "saved again, byte for byte");
        assertAsRecorded(v6(method), restored(method, fixture));
    }

    /** A fresh learner takes the recorded steps and holds what each fixture restores (floats within rounding). */
    @ParameterizedTest
    @EnumSource(LearnerConfig.Method.class)
    void aFreshLearnerTrainsAsRecordedInBothFormats(LearnerConfig.Method method) throws IOException {
        for (String fixture : List.of(cls5(method), v6(method))) {
            Properties side = sidecar(fixture);
            Learner learner = new Learner(MLP, config(method));
            for (int s = 0; s < TRAIN_STEPS; s++) assertStats(side.getProperty("train." + s), step(learner, s), fixture + ", step " + s);
            assertSameState(restored(method, StateFixtures.read(fixture + ".bin")), learner, fixture);
        }
    }

    private static void assertSameState(Learner expected, Learner actual, String what) {
        assertEquals(expected.step(), actual.step(), what + ": step");
        assertEquals(expected.skippedSteps(), actual.skippedSteps(), what + ": skipped steps");
        assertEquals(expected.guard().scale(), actual.guard().scale(), tolerance(expected.guard().scale()), what + ": guard scale");
        assertClose(expected.queryParams(), actual.queryParams(), what + ": query encoder");
        assertClose(expected.optimizer().state(), actual.optimizer().state(), what + ": optimizer state");
        Objective e = expected.objective();
        Objective a = actual.objective();
        assertClose(e.keyParams(), a.keyParams(), what + ": key encoder");
        if (e.predictor() != null) {
            assertClose(e.predictor().params(), a.predictor().params(), what + ": predictor");
            assertClose(e.predictor().optimizer().state(), a.predictor().optimizer().state(), what + ": predictor optimizer state");
        }
        NegativeQueue q = e.queue();
        if (q == null) return;
        assertEquals(q.size(), a.queue().size(), what + ": queue fill");
        for (int i = 0; i < q.size(); i++) {
            float[] k = q.oldest(i);
            float[] l = a.queue().oldest(i);
            for (int j = 0; j < k.length; j++) assertEquals(k[j], l[j], tolerance(k[j]), what + ": queued key " + i);
            assertEquals(q.id(i), a.queue().id(i), what + ": queued id " + i);
            assertEquals(q.age(i, q.size()), a.queue().age(i, q.size()), what + ": queued step " + i);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        if (expected == null) {
            assertNull(actual, what);
            return;
        }
        assertClose(Nd4j.toFlattened(expected).toFloatVector(), Nd4j.toFlattened(actual).toFloatVector(), what);
    }

    private static void assertClose(float[] e, float[] a, String what) {
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tolerance(e[i]), what + "[" + i + "]");
    }
}
