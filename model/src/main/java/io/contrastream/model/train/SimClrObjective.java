package io.contrastream.model.train;

import io.contrastream.model.encoder.TrainableEncoder;
import io.contrastream.model.loss.InfoNce;
import io.contrastream.model.loss.NtXent;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SimCLR (Chen et al. 2020): both views through the one encoder, NT-Xent with the other 2B − 2 rows of the batch as
 * negatives (rows of the same sample masked when same-id masking is on); no key encoder, no queue.
 */
final class SimClrObjective implements Objective {

    private final LearnerConfig config;
    private final TrainableEncoder query;

    SimClrObjective(LearnerConfig config, TrainableEncoder query) {
        this.config = config;
        this.query = query;
    }

    @Override
    public InfoNce.Result loss(Batch x, long step) {
        INDArray z = query.forward(x.pair());                                     // 2B×p: view 1 rows, then view 2
        long[] masked = config.hygiene().maskSameId() ? x.ids() : null;
        return NtXent.compute(z, config.temperature(), masked);                   // 2B anchors, ≤ 2B − 2 negatives each
    }
}
