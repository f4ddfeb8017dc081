package io.contrastream.model.train;

import io.contrastream.model.loss.InfoNce;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * MoCo v2 (He et al. 2020; Chen et al. 2020): InfoNCE of each query against the momentum encoder's key of the other
 * view and the queue of past keys; then the key encoder follows the query encoder and the keys join the queue.
 */
class MocoObjective implements Objective {

    @Override
    public StepStats step(Learner l, Batch x) {
        int b = x.b();
        long[] ids = x.ids();
        INDArray z = l.query().forward(x.first());                                // B×p: query projections
        // B×p: keys, no gradient. Inference mode on purpose: a batch-normalised backbone (convBatchNorm) normalises
        // keys with the key encoder's running statistics, never the batch's, so no key carries a statistic of the
        // batch its query was normalised with. MoCo's shuffle BN (He et al. 2020, §3.3) guards against that leak
        // across GPUs; one process has no devices to shuffle over.
        INDArray k = l.key().infer(x.second());
        Learner.normalizeRows(k);                                                 // B×p: unit keys
        INDArray positive = positive(l, k, ids);                                  // B×p: what each query must match
        InfoNce.Result r = l.infoNce(z, positive, l.exclusions(ids, b, chosen()));   // 1 + K logits a query
        if (!Double.isFinite(r.loss())) return l.skip(b, r);                      // keep the last good weights
        if (!l.backpropAndUpdate(r.gradZ())) return l.skip(b, r);                 // a spike: keep the last good weights
        l.momentumUpdate();                                                       // θ_k ← m·θ_k + (1−m)·θ_q
        l.queue().enqueue(k, ids, l.step());                                      // K×p: newest keys replace oldest
        return l.advance(b, r);
    }

    /** The positive of each query: its own key. */
    INDArray positive(Learner l, INDArray keys, long[] ids) {
        return keys;
    }

    /** Queue rows used as positives, to be left out of the negatives (null = none). */
    int[] chosen() {
        return null;
    }
}
