package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
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
    private final INDArray start;            // the saved state's key-encoder slot: the weights training started from
    private final LearnerState.Part noQueue;

    SimClrObjective(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
        this.config = config;
        this.query = query;
        this.start = query.params().dup();
        this.noQueue = LearnerState.noQueue(config.queueSize(), encoder.projectionDim());
    }

    @Override
    public InfoNce.Result loss(Batch x, long step) {
        INDArray z = query.forward(x.pair());                                     // 2B×p: view 1 rows, then view 2
        long[] masked = config.hygiene().maskSameId() ? x.ids() : null;
        return NtXent.compute(z, config.temperature(), masked);                   // 2B anchors, ≤ 2B − 2 negatives each
    }

    @Override
    public void warmStart(INDArray weights) {
        start.assign(weights);
    }

    @Override
    public LearnerState.Parts parts() {
        return new LearnerState.Parts(LearnerState.array(start, "key encoder"), noQueue, null);
    }
}
