package io.contrastream.model.train;

import io.contrastream.model.loss.InfoNce;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MoCo v2 (He et al. 2020; Chen et al. 2020): InfoNCE of each query against the momentum encoder's key of the other
 * view and the queue of past keys; then the key encoder follows the query encoder and the keys join the queue.
 *
 * <p>With {@link MultiCrop}'s L local crops, each crop's query is contrasted with its sample's key too: InfoNCE over
 * all (1+L)·B queries, so the loss is the mean of the 1+L per-crop losses, in one backward pass through the query
 * encoder (about (1+L)× its cost); only the B keys of the global view join the queue.
 */
class MocoObjective implements Objective {

    private INDArray keys;   // the last loss's unit keys, queued after an accepted update

    @Override
    public InfoNce.Result loss(Learner l, Batch x) {
        INDArray z = l.query().forward(x.first());                                // (1+L)B×p: query projections, L local crops
        // B×p: keys, no gradient. Inference mode on purpose: a batch-normalised backbone (convBatchNorm) normalises
        // keys with the key encoder's running statistics, never the batch's, so no key carries a statistic of the
        // batch its query was normalised with. MoCo's shuffle BN (He et al. 2020, §3.3) guards against that leak
        // across GPUs; one process has no devices to shuffle over.
        keys = l.key().infer(x.second());
        Learner.normalizeRows(keys);                                              // B×p: unit keys
        INDArray positive = tile(positive(l, keys, x.ids()), 1 + x.crops());      // (1+L)B×p: what each query must match
        return l.infoNce(z, positive, l.exclusions(x.queryIds(), x.queries(), chosen()));   // 1 + K logits a query
    }

    @Override
    public void afterUpdate(Learner l, Batch x) {
        l.momentumUpdate();                                                       // θ_k ← m·θ_k + (1−m)·θ_q
        l.queue().enqueue(keys, x.ids(), l.step());                               // K×p: newest keys replace oldest
    }

    /** The positive of each query: its own key. */
    INDArray positive(Learner l, INDArray keys, long[] ids) {
        return keys;
    }

    /** Queue rows used as positives, to be left out of the negatives (null = none). */
    int[] chosen() {
        return null;
    }

    /** {@code times} copies of {@code rows} stacked (the rows themselves for one). */
    private static INDArray tile(INDArray rows, int times) {
        if (times == 1) return rows;
        INDArray[] copies = new INDArray[times];
        java.util.Arrays.fill(copies, rows);
        return Nd4j.concat(0, copies);
    }
}
