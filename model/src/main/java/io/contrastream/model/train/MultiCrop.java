package io.contrastream.model.train;

import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.ImageAugmenter;
import io.contrastream.model.loss.InfoNce;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-crop (Caron et al. 2020, SwAV §3.2) for MoCo: besides the two global views, {@code count} small local crops of
 * each sample (area fraction in [minArea, maxArea], resized back to the full input because the encoders take one input
 * size) go through the query encoder only, each contrasted with its sample's global key against the queue.
 *
 * @param count   local crops per sample, ≥ 1 (off is no MultiCrop at all)
 * @param minArea smallest area fraction of a local crop, in (0, maxArea]
 * @param maxArea largest area fraction of a local crop, in [minArea, 1]
 */
public record MultiCrop(int count, double minArea, double maxArea) {

    public MultiCrop {
        if (count < 1) throw new IllegalArgumentException("multi-crop needs at least 1 local crop, got " + count);
        if (!(minArea > 0 && minArea <= maxArea && maxArea <= 1)) {
            throw new IllegalArgumentException("local crop area must satisfy 0 < min <= max <= 1, got " + minArea + ", " + maxArea);
        }
    }

    /**
     * The augmenter of the local crops: the global one's recipe (photometric jitter, noise, erasing alike, as SwAV
     * keeps the colour distortions on its small crops) with the smaller crop area. Images only: a local crop of a
     * feature vector or a sensor window has no meaning the encoders share.
     */
    public Augmenter localAugmenter(Augmenter global) {
        if (!(global instanceof ImageAugmenter g)) {
            throw new IllegalArgumentException("multi-crop needs [C,H,W] images, got " + global);
        }
        return new ImageAugmenter(g.channels(), g.height(), g.width(),
                g.config().toBuilder().cropMinArea(minArea).cropMaxArea(maxArea).build());
    }

    /**
     * Writes the {@code count} local crops of sample {@code x} (row {@code row} of a batch of {@code b}) into
     * {@code out}, crop-major: crop c's B rows are contiguous, so that they stack under the global view's B rows and
     * line up with its keys. They draw from {@code rng} in order, after whatever the caller drew from it.
     */
    void crops(Augmenter local, float[] x, SplittableRandom rng, float[] out, int row, int b) {
        int d = x.length;
        for (int c = 0; c < count; c++) System.arraycopy(local.apply(x, rng), 0, out, (c * b + row) * d, d);
    }

    /**
     * MoCo's step (as {@link MocoObjective}: query of view 1, key of view 2, asymmetric) with the local crops' queries
     * added: InfoNCE over all (1+L)·B queries, so the loss is the mean of the 1+L per-crop losses; one backward pass
     * through the query encoder; only the B global keys join the queue. The step costs about (1+L)× the query
     * encoder's forward and backward.
     */
    static StepStats mocoStep(Learner l, Batch x) {
        int b = x.b();
        int count = x.crops();
        long[] ids = x.ids();
        int n = (1 + count) * b;
        INDArray z = l.query().forward(x.first());                                // (1+L)B×p: query projections
        INDArray k = l.key().infer(x.second());                                   // B×p: keys, no gradient
        Learner.normalizeRows(k);                                                 // B×p: unit keys
        INDArray[] copies = new INDArray[1 + count];
        java.util.Arrays.fill(copies, k);
        INDArray positive = Nd4j.concat(0, copies);                               // (1+L)B×p: each crop's sample's key
        long[] rowIds = ids == null ? null : tile(ids, b, 1 + count);             // (1+L)B: same-id masking per crop
        InfoNce.Result r = l.infoNce(z, positive, l.exclusions(rowIds, n, null));  // (1+L)B × (1+K) logits
        if (!Double.isFinite(r.loss())) return l.skip(b, r);                      // keep the last good weights
        if (!l.backpropAndUpdate(r.gradZ())) return l.skip(b, r);                 // a spike: keep the last good weights
        l.momentumUpdate();                                                       // θ_k ← m·θ_k + (1−m)·θ_q
        l.queue().enqueue(k, ids, l.step());                                      // K×p: only global keys are queued
        return l.advance(b, r);
    }

    private static long[] tile(long[] ids, int b, int times) {
        long[] out = new long[b * times];
        for (int t = 0; t < times; t++) System.arraycopy(ids, 0, out, t * b, b);
        return out;
    }
}
