package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.model.data.SyntheticStream;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.eval.KnnClassifier;
import org.junit.jupiter.api.Test;

/** A short online run on a generated clustered stream must learn features that beat a random encoder's, for each method. */
class OnlineLearningTest {

    static final int DIM = 32;
    static final int CLASSES = 8;

    record Result(double raw, double random, double trained, double collapseStd, int dim) {}

    static Result run(int steps, int batch, long seed) {
        return run(steps, batch, seed, LearnerConfig.Method.MOCO);
    }

    static Result run(int steps, int batch, long seed, LearnerConfig.Method method) {
        SyntheticStream stream = new SyntheticStream(DIM, CLASSES, -1, seed);
        EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {DIM}, new int[] {128}, 64, 64, 64, seed);
        Learner learner = new Learner(encoder, new LearnerConfig(4096, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 0,
                QueueHygiene.defaults(), LearnerConfig.Debiasing.NONE, method));
        Augmenter augment = Augmenters.forShape(new int[] {DIM}, AugmentConfig.defaults());
        float[] a = new float[batch * DIM];
        float[] b = new float[batch * DIM];
        long next = 0;
        for (int s = 0; s < steps; s++) {
            for (int i = 0; i < batch; i++, next++) {
                SyntheticStream.Example e = stream.example(next);
                TwoViews p = Augmenters.twoViews(augment, e.values(), Augmenters.rngFor(seed, e.id()));
                System.arraycopy(p.first(), 0, a, i * DIM, DIM);
                System.arraycopy(p.second(), 0, b, i * DIM, DIM);
            }
            learner.step(a, b, batch);
        }
        int bank = 2000;
        int queries = 500;
        float[][] x = new float[bank + queries][];
        int[] y = new int[bank + queries];
        float[] flat = new float[(bank + queries) * DIM];
        for (int i = 0; i < x.length; i++) {
            SyntheticStream.Example e = stream.example(1_000_000_000L + i);   // held out: never trained on
            x[i] = e.values();
            y[i] = e.label();
            System.arraycopy(x[i], 0, flat, i * DIM, DIM);
        }
        Snapshot snap = learner.snapshot(1);
        float[][] trained = new FrozenEncoder(encoder, snap.weights()).embed(flat, x.length);
        return new Result(knn(x, y, bank), knn(FrozenEncoder.random(encoder).embed(flat, x.length), y, bank),
                knn(trained, y, bank), io.contrastream.model.drift.HealthMetrics.collapseStd(trained), encoder.embeddingDim());
    }

    static double knn(float[][] f, int[] y, int bank) {
        float[][] train = java.util.Arrays.copyOfRange(f, 0, bank);
        float[][] test = java.util.Arrays.copyOfRange(f, bank, f.length);
        return KnnClassifier.accuracy(train, java.util.Arrays.copyOfRange(y, 0, bank), test,
                java.util.Arrays.copyOfRange(y, bank, y.length), CLASSES, 20, 0.07);
    }

    @Test
    void aShortOnlineRunBeatsARandomEncoderOnKnn() {
        Result r = run(150, 128, 42);
        System.out.printf("kNN-20: raw %.3f random %.3f trained %.3f%n", r.raw(), r.random(), r.trained());
        assertTrue(r.trained() > r.random() + 0.02, "trained " + r.trained() + " vs random " + r.random());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = LearnerConfig.Method.class, names = {"SIMCLR", "NNCLR", "BYOL", "SIMSIAM"})
    void theOtherMethodsAlsoBeatARandomEncoderOnKnn(LearnerConfig.Method method) {
        Result r = run(150, 128, 42, method);
        System.out.printf("%s kNN-20: raw %.3f random %.3f trained %.3f, collapse std %.4f (0.5/sqrt(d) = %.4f)%n", method,
                r.raw(), r.random(), r.trained(), r.collapseStd(), 0.5 / Math.sqrt(r.dim()));
        assertTrue(r.trained() > r.random() + 0.02, method + ": trained " + r.trained() + " vs random " + r.random());
        assertTrue(r.collapseStd() > 0.5 / Math.sqrt(r.dim()), method + " collapsed: std " + r.collapseStd());
    }
}
