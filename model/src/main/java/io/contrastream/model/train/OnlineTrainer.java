package io.contrastream.model.train;

import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.augment.TwoViews;
import io.contrastream.model.data.RunningMoments;
import io.contrastream.model.linalg.Halves;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The learner as a stream drives it: one step per stream batch, then {@code ratio} more steps on batches drawn from a
 * reservoir of past raw samples, each re-augmented (fractional ratios are drawn). This spends the capacity a slow
 * stream leaves idle while the stream itself is still read once. Used by the Flink learner operator and the offline
 * studies alike, so both train identically.
 */
public final class OnlineTrainer {

    /** Fewer samples are augmented on one thread: a view of a 784-value vector takes ~10 µs, a hand-off a few. */
    private static final int MIN_SPLIT_SAMPLES = 8;

    private final Learner learner;
    private final double ratio;
    private final ReplayBuffer replay;
    private final Augmenter augmenter;
    private final long seed;
    private RunningMoments moments;   // null: inputs train as they come
    private MultiCrop multiCrop;      // null: two global views only
    private Augmenter localAugmenter;

    public OnlineTrainer(Learner learner, double ratio, ReplayBuffer replay, Augmenter augmenter, long seed) {
        if (!(ratio >= 0)) throw new IllegalArgumentException("replay ratio must be >= 0, got " + ratio);
        this.learner = learner;
        this.ratio = ratio;
        this.replay = replay;
        this.augmenter = augmenter;
        this.seed = seed;
    }

    /**
     * Standardises every input by the stream's running moments before augmenting it: the views of a stream batch are
     * then made here, from its raw samples, rather than taken from the caller (whose augmentation could not know the
     * features' scales). Snapshots carry the standardisation so that embedding applies the same transform.
     */
    public OnlineTrainer standardizing() {
        moments = new RunningMoments(learner.encoderConfig().inputSize());
        return this;
    }

    /**
     * Adds multi-crop's local crops to every step (MoCo on images only), made here from the raw samples: a stream
     * batch's from a generator seeded by the step (the caller's views came with their own generators), a replayed
     * batch's from each sample's generator after its two views, so the global views stay what they were without it and
     * a restored learner draws the same crops.
     */
    public OnlineTrainer multiCrop(MultiCrop m) {
        if (learner.config().method() != LearnerConfig.Method.MOCO) {
            throw new IllegalArgumentException("multi-crop is built for MoCo only, not " + learner.config().method());
        }
        localAugmenter = m.localAugmenter(augmenter);
        multiCrop = m;
        return this;
    }

    /** The running input moments, or null when inputs are not standardised. */
    public RunningMoments moments() { return moments; }

    /** The learner's snapshot with the input standardisation its encoder was trained behind. */
    public Snapshot snapshot(long version) {
        Snapshot s = learner.snapshot(version);
        return moments == null ? s : s.withInput(moments.current());
    }

    /**
     * Trains on one stream batch of n positive pairs ({@code first}, {@code second}: null to have the views made here
     * from {@code raw}; {@code raw}: the unaugmented samples, for the replay reservoir, may be null if the views are given; {@code ids}: their {@link SampleIds}, may be null) and then on the replayed batches; each step's
     * statistics go to {@code onStep}.
     */
    public void onBatch(float[] first, float[] second, float[] raw, long[] ids, int n, Consumer<StepStats> onStep) {
        int d = learner.encoderConfig().inputSize();
        if (multiCrop != null && raw == null) throw new IllegalArgumentException("multi-crop needs the raw samples");
        float[] locals = multiCrop == null ? null : new float[multiCrop.count() * n * d];
        if (raw != null && (moments != null || first == null)) {
            // Made here: from standardised samples (an upstream augmentation could not know the features' scales), or
            // because the caller sent only the raw samples.
            if (moments != null) moments.update(raw, n);
            first = new float[n * d];
            second = new float[n * d];
            views(moments == null ? raw : moments.current().apply(raw, n), n, stepRng(0x57A4DL), first, second, locals);
        } else if (multiCrop != null) {
            SplittableRandom rng = stepRng(0x10CA1L);
            for (int i = 0; i < n; i++) multiCrop.crops(localAugmenter, Arrays.copyOfRange(raw, i * d, (i + 1) * d), rng.split(), locals, i, n);
        }
        onStep.accept(learner.step(first, second, locals, crops(), ids, n));
        if (ratio == 0 || raw == null) return;
        replay.add(raw, ids, n);
        SplittableRandom rng = stepRng(0);
        int extra = (int) ratio + (rng.nextDouble() < ratio - Math.floor(ratio) ? 1 : 0);
        for (int i = 0; i < extra; i++) onStep.accept(replayStep(n, rng));
    }

    /** One replay step of n, its draws seeded by the learner's step ({@link #stepRng}). */
    public StepStats replayStep(int n) {
        return replayStep(n, stepRng(0));
    }

    /**
     * Seeded by the learner's step (and {@code salt}, per use), so a learner restored from a checkpoint draws what the
     * original would have.
     */
    private SplittableRandom stepRng(long salt) {
        return new SplittableRandom(seed ^ salt ^ (learner.step() * 0x9E3779B97F4A7C15L));
    }

    /** One step on a batch of n drawn from the replay reservoir (which must not be empty), with fresh views. */
    public StepStats replayStep(int n, SplittableRandom rng) {
        int d = learner.encoderConfig().inputSize();
        long[] ids = new long[n];
        float[] raw = replay.sample(n, rng, ids);
        if (moments != null) raw = moments.current().apply(raw, n);
        float[] first = new float[n * d];
        float[] second = new float[n * d];
        float[] locals = multiCrop == null ? null : new float[multiCrop.count() * n * d];
        views(raw, n, rng, first, second, locals);
        return learner.step(first, second, locals, crops(), ids, n);
    }

    /**
     * Two fresh views of each of n rows into {@code first} and {@code second}, then its local crops into
     * {@code locals} (null: none) from the same per-sample generator. The generators are split off in order first, so
     * the samples can then be augmented in two halves at once (a sixth of the learner's thread in the job) and still
     * get the views they would get one after another.
     */
    private void views(float[] rows, int n, SplittableRandom rng, float[] first, float[] second, float[] locals) {
        int d = learner.encoderConfig().inputSize();
        SplittableRandom[] samples = new SplittableRandom[n];
        for (int i = 0; i < n; i++) samples[i] = rng.split();
        Halves.run(n, MIN_SPLIT_SAMPLES, (from, to) -> {
            for (int i = from; i < to; i++) {
                float[] x = Arrays.copyOfRange(rows, i * d, (i + 1) * d);
                TwoViews pair = Augmenters.twoViews(augmenter, x, samples[i]);
                System.arraycopy(pair.first(), 0, first, i * d, d);
                System.arraycopy(pair.second(), 0, second, i * d, d);
                if (locals != null) multiCrop.crops(localAugmenter, x, samples[i], locals, i, n);
            }
        });
    }

    private int crops() { return multiCrop == null ? 0 : multiCrop.count(); }

    public Learner learner() { return learner; }

    public ReplayBuffer replay() { return replay; }
}
