package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.encoder.EncoderConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnlineTrainerTest {

    private static final EncoderConfig MLP = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {16}, new int[0], 8, 8, 4, 11);

    @Test
    void aBatchOfRawSamplesAloneIsAugmentedHereTheSameWayEveryTime() {
        List<Double> first = losses();
        List<Double> second = losses();
        assertEquals(3, first.size());
        for (double loss : first) assertTrue(Double.isFinite(loss), "loss " + loss);
        assertEquals(first, second, "views from the step-seeded generator: the same run twice trains the same");
    }

    private static List<Double> losses() {
        Learner learner = new Learner(MLP, new LearnerConfig(64, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 0.0));
        OnlineTrainer trainer = new OnlineTrainer(learner, 0, null,
                Augmenters.forShape(new int[] {16}, AugmentConfig.defaults()), 3);
        Random random = new Random(9);
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            float[] raw = new float[32 * 16];
            for (int i = 0; i < raw.length; i++) raw[i] = (float) random.nextGaussian();
            trainer.onBatch(null, null, raw, null, 32, s -> losses.add(s.loss()));
        }
        assertEquals(3, learner.step());
        return losses;
    }
}
