package io.contrastream.model.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contrastream.model.serve.Procrustes;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrozenEncoderTest {

    private static final int E = 10;
    private static final EncoderConfig MLP = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {12}, new int[0], E, 16, 8, 3);

    @Test
    void anAlignedEmbeddingIsTheEmbeddingTimesTheRotation() {
        FrozenEncoder encoder = FrozenEncoder.random(MLP);
        Random random = new Random(5);
        float[] rotation = new float[E * E];
        for (int i = 0; i < rotation.length; i++) rotation[i] = (float) random.nextGaussian();
        for (int n : new int[] {7, 7, 3, 40}) {   // the same n twice (reused buffers), then others
            float[] rows = new float[n * 12];
            for (int i = 0; i < rows.length; i++) rows[i] = (float) random.nextGaussian();
            float[][] plain = encoder.embed(rows, n);
            float[][] aligned = encoder.embed(rows, n, rotation);
            assertEquals(n, aligned.length);
            for (int i = 0; i < n; i++) {
                float[] expected = Procrustes.apply(plain[i], rotation);
                for (int j = 0; j < E; j++) assertEquals(expected[j], aligned[i][j], 1e-5f * Math.max(1, Math.abs(expected[j])), "row " + i);
            }
            float[][] again = encoder.embed(rows, n);   // the input buffer is reused: the same rows give the same vectors
            for (int i = 0; i < n; i++) for (int j = 0; j < E; j++) assertEquals(plain[i][j], again[i][j], "row " + i);
        }
    }

    @Test
    void aRowsEmbeddingDoesNotDependOnTheBatchItCameIn() {
        FrozenEncoder encoder = FrozenEncoder.random(MLP);
        Random random = new Random(9);
        int n = 40;
        float[] rows = new float[n * 12];
        for (int i = 0; i < rows.length; i++) rows[i] = (float) random.nextGaussian() * 3;
        float[][] whole = encoder.embed(rows, n);
        // Sizes that are padded to a multiple of the quantum, over buffers that held other rows before.
        for (int size : new int[] {1, 3, 9, 17, 1}) {
            for (int from = 0; from + size <= n; from += size) {
                float[][] part = encoder.embed(java.util.Arrays.copyOfRange(rows, from * 12, (from + size) * 12), size);
                assertEquals(size, part.length);
                for (int i = 0; i < size; i++) {
                    for (int j = 0; j < E; j++) {
                        assertEquals(whole[from + i][j], part[i][j], 1e-5f * Math.max(1, Math.abs(whole[from + i][j])), "row " + (from + i));
                    }
                }
            }
        }
    }
}
