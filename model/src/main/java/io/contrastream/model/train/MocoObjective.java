package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.linalg.Rows;
import io.contrastream.model.loss.DebiasedInfoNce;
import io.contrastream.model.loss.InfoNce;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MoCo v2 (He et al. 2020; Chen et al. 2020): InfoNCE of each query against the momentum encoder's key of the other
 * view and the queue of past keys; then the key encoder follows the query encoder and the keys join the queue. It owns
 * both the key encoder and the queue.
 *
 * <p>With {@link MultiCrop}'s L local crops, each crop's query is contrasted with its sample's key too: InfoNCE over
 * all (1+L)·B queries, so the loss is the mean of the 1+L per-crop losses, in one backward pass through the query
 * encoder (about (1+L)× its cost); only the B keys of the global view join the queue.
 */
class MocoObjective implements Objective {

    final LearnerConfig config;
    private final TrainableEncoder query;
    private final MomentumEncoder key;
    private final NegativeQueue queue;
    private final BatchIds rowsOf = new BatchIds();   // the batch's rows by sample id, for the exclusions
    private int[] excluded = new int[64];             // reused cell list of the exclusions
    private INDArray keys;                            // the last loss's unit keys, queued after an accepted update

    MocoObjective(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
        this.config = config;
        this.query = query;
        this.key = new MomentumEncoder(encoder, query, config.momentum());
        this.queue = new NegativeQueue(config.queueSize(), encoder.projectionDim(), DataType.FLOAT);
    }

    @Override
    public InfoNce.Result loss(Batch x, long step) {
        INDArray z = query.forward(x.first());                                    // (1+L)B×p: query projections, L local crops
        // B×p: keys, no gradient. Inference mode on purpose: a batch-normalised backbone (convBatchNorm) normalises
        // keys with the key encoder's running statistics, never the batch's, so no key carries a statistic of the
        // batch its query was normalised with. MoCo's shuffle BN (He et al. 2020, §3.3) guards against that leak
        // across GPUs; one process has no devices to shuffle over.
        keys = key.infer(x.second());
        Rows.normalize(keys);                                                     // B×p: unit keys
        INDArray positive = tile(positive(keys, x.ids(), step), 1 + x.crops());   // (1+L)B×p: what each query must match
        InfoNce.Exclusions ex = exclusions(x.queryIds(), x.queries(), chosen(), step);   // cells of (1+L)B×K left out
        LearnerConfig.Debiasing d = config.debiasing();                           // the debiased form: double precision, slower
        return d.active()                                                         // (1+L)B × (1+K) logits
                ? DebiasedInfoNce.compute(z, positive, queue.negatives(), config.temperature(), d.classPrior(), d.hardness(), ex)
                : InfoNce.compute(z, positive, queue.negatives(), config.temperature(), ex);
    }

    @Override
    public void afterUpdate(Batch x, long step) {
        key.follow();                                                             // θ_k ← m·θ_k + (1−m)·θ_q
        queue.enqueue(keys, x.ids(), step);                                       // K×p: newest keys replace oldest
    }

    /** The positive of each query: its own key. */
    INDArray positive(INDArray keys, long[] ids, long step) {
        return keys;
    }

    /** Queue rows used as positives, to be left out of the negatives (null = none). */
    int[] chosen() {
        return null;
    }

    /**
     * The query-negative pairs {@link QueueHygiene} rules out: a queued key of the query's own sample, and every key
     * older than the age limit; then, for NNCLR, each query's chosen neighbour ({@code neighbours}, −1 = none). One
     * probe of {@link BatchIds} per queue row, so O(K + B) rather than O(B·K) comparisons.
     */
    private InfoNce.Exclusions exclusions(long[] ids, int b, int[] neighbours, long step) {
        QueueHygiene h = config.hygiene();
        int k = queue.size();
        boolean byId = h.maskSameId() && ids != null;
        int n = 0;
        if (byId) rowsOf.reset(ids, b);
        if (byId || h.maxAge() > 0) {
            for (int j = 0; j < k; j++) {
                if (h.maxAge() > 0 && queue.age(j, step) > h.maxAge()) {
                    for (int i = 0; i < b; i++) n = cell(n, i * k + j);
                    continue;
                }
                if (byId) for (int i = rowsOf.first(queue.id(j)); i >= 0; i = rowsOf.next(i)) n = cell(n, i * k + j);
            }
        }
        // A neighbour is never of the query's sample nor too old (nearestInQueue skips those), so never counted twice.
        if (neighbours != null) for (int i = 0; i < b; i++) if (neighbours[i] >= 0) n = cell(n, i * k + neighbours[i]);
        return new InfoNce.Exclusions(excluded, n, h.maxNegativeCosine());
    }

    private int cell(int n, int index) {
        if (n == excluded.length) excluded = java.util.Arrays.copyOf(excluded, Math.max(64, 2 * n));
        excluded[n] = index;
        return n + 1;
    }

    /** {@code times} copies of {@code rows} stacked (the rows themselves for one). */
    private static INDArray tile(INDArray rows, int times) {
        if (times == 1) return rows;
        INDArray[] copies = new INDArray[times];
        java.util.Arrays.fill(copies, rows);
        return Nd4j.concat(0, copies);
    }

    @Override
    public void warmStart(INDArray weights) {
        key.params().assign(weights);
    }

    @Override
    public List<LearnerState.Part> parts() {
        return List.of(key, queue);
    }

    @Override
    public INDArray keyParams() { return key.params(); }

    @Override
    public NegativeQueue queue() { return queue; }
}
