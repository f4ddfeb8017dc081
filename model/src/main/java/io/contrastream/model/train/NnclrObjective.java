package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.TrainableEncoder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NNCLR (Dwibedi et al. 2021) on MoCo's machinery: the positive of each query is the nearest neighbour of its key in
 * the queue (the support set), which is then not also one of its negatives.
 */
final class NnclrObjective extends MocoObjective {

    private int[] neighbours = new int[0];   // the queue row chosen for each query of the last step, −1 = none

    NnclrObjective(EncoderConfig encoder, LearnerConfig config, TrainableEncoder query) {
        super(encoder, config, query);
    }

    /**
     * For each unit key, the most similar queued key not of the same sample and not past the age limit (the key itself
     * while there is none).
     */
    @Override
    INDArray positive(INDArray k, long[] ids, long step) {
        int b = (int) k.size(0);
        neighbours = new int[b];
        java.util.Arrays.fill(neighbours, -1);
        NegativeQueue queue = queue();
        int size = queue.size();
        if (size == 0) return k;
        INDArray support = queue.negatives();                                     // K×p
        float[] sim = Nd4j.toFlattened('c', k.mmul(support.transpose())).toFloatVector();   // B×K, flattened
        INDArray out = k.dup();                                                   // B×p
        int maxAge = config.hygiene().maxAge();
        for (int i = 0; i < b; i++) {
            int best = -1;
            for (int j = 0; j < size; j++) {
                if (ids != null && ids[i] != 0 && queue.id(j) == ids[i]) continue;
                if (maxAge > 0 && queue.age(j, step) > maxAge) continue;
                if (best < 0 || sim[i * size + j] > sim[i * size + best]) best = j;
            }
            neighbours[i] = best;
            if (best >= 0) out.getRow(i).assign(support.getRow(best));
        }
        return out;
    }

    @Override
    int[] chosen() {
        return neighbours;
    }
}
