package io.contrastream.model.train;

import java.io.Serializable;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Hyper-parameters of the MoCo v2 learner (Chen et al. 2020): queue size K, temperature τ, key-encoder momentum m
 * the optimizer of the query encoder, which queued keys a query may not use ({@link QueueHygiene}), and the
 * debiased / hard-negative form of the loss ({@link Debiasing}).
 */
public record LearnerConfig(
        int queueSize,
        double temperature,
        double momentum,
        Optimizer optimizer,
        double learningRate,
        double weightDecay,
        QueueHygiene hygiene,
        Debiasing debiasing,
        Method method) implements Serializable {

    /**
     * The objective: MoCo v2 (query vs momentum key, negatives from the queue; the default); SimCLR (NT-Xent over
     * both views through the one encoder, the other 2B − 2 views of the batch as negatives; no queue, no key encoder);
     * NNCLR (Dwibedi et al. 2021) on MoCo's machinery: each key's nearest neighbour in the queue, the support set,
     * replaces it as the positive, so samples are pulled towards their semantic neighbours rather than only towards
     * their own augmentation; BYOL (Grill et al. 2020: a predictor on the online projections regresses the momentum
     * target's projection of the other view, no negatives); SimSiam (Chen &amp; He 2021: the same with the online
     * encoder itself, gradient stopped, as the target, no momentum encoder).
     */
    public enum Method { MOCO, SIMCLR, NNCLR, BYOL, SIMSIAM }

    /**
     * Debiased contrastive loss (Chuang et al. 2020) with class prior τ⁺ and hard-negative reweighting (Robinson et al.
     * 2021) with concentration β; both 0 is plain InfoNCE.
     */
    public record Debiasing(double classPrior, double hardness) implements Serializable {
        public static final Debiasing NONE = new Debiasing(0, 0);

        public Debiasing {
            if (!(classPrior >= 0 && classPrior < 1)) throw new IllegalArgumentException("classPrior must be in [0, 1), got " + classPrior);
            if (!(hardness >= 0 && hardness <= 5)) throw new IllegalArgumentException("hardness must be in [0, 5], got " + hardness);
        }

        public boolean active() {
            return classPrior > 0 || hardness > 0;
        }
    }

    /** Query-encoder optimizer; Adam 1e-3 beat SGD in the reference runs (STACK.md). */
    public enum Optimizer { ADAM, SGD }

    public LearnerConfig {
        if (queueSize <= 0) throw new IllegalArgumentException("queueSize must be > 0, got " + queueSize);
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        if (hygiene == null) throw new IllegalArgumentException("hygiene must not be null");
        if (debiasing == null) throw new IllegalArgumentException("debiasing must not be null");
        if (method == null) throw new IllegalArgumentException("method must not be null");
    }

    /** MoCo v2. */
    public LearnerConfig(int queueSize, double temperature, double momentum, Optimizer optimizer, double learningRate,
                         double weightDecay, QueueHygiene hygiene, Debiasing debiasing) {
        this(queueSize, temperature, momentum, optimizer, learningRate, weightDecay, hygiene, debiasing, Method.MOCO);
    }

    /** Plain InfoNCE. */
    public LearnerConfig(int queueSize, double temperature, double momentum, Optimizer optimizer, double learningRate,
                         double weightDecay, QueueHygiene hygiene) {
        this(queueSize, temperature, momentum, optimizer, learningRate, weightDecay, hygiene, Debiasing.NONE);
    }

    /** With the default {@link QueueHygiene}: same-id masking on. */
    public LearnerConfig(int queueSize, double temperature, double momentum, Optimizer optimizer, double learningRate,
                         double weightDecay) {
        this(queueSize, temperature, momentum, optimizer, learningRate, weightDecay, QueueHygiene.defaults(), Debiasing.NONE);
    }

    public static LearnerConfig defaults() {
        return new LearnerConfig(4096, 0.2, 0.99, Optimizer.ADAM, 1e-3, 0.0);
    }

    /** DL4J's updater for the query encoder; SGD is Nesterov momentum 0.9 as in MoCo. */
    public IUpdater updater() {
        return updater(learningRate);
    }

    /** The same optimizer at another learning rate, e.g. for BYOL's and SimSiam's predictor. */
    public IUpdater updater(double rate) {
        return optimizer == Optimizer.ADAM ? new Adam(rate) : new Nesterovs(rate, 0.9);
    }
}
