package io.contrastream.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunningMomentsTest {

    /** Three features on very different scales, the last one constant. */
    private static float[] rows(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 3];
        for (int i = 0; i < n; i++) {
            x[3 * i] = (float) (2500 + 300 * rng.nextGaussian());
            x[3 * i + 1] = (float) (0.05 + 0.01 * rng.nextGaussian());
            x[3 * i + 2] = 7f;
        }
        return x;
    }

    @Test
    void batchesOfAnySizeMergeToTheTwoPassMomentsOfTheWholeStream() {
        float[] all = rows(1000, 1);
        RunningMoments m = new RunningMoments(3);
        int[] sizes = {1, 7, 128, 64, 300, 500};
        for (int from = 0, k = 0; from < 1000; from += sizes[k++]) {
            int n = Math.min(sizes[k], 1000 - from);
            m.update(java.util.Arrays.copyOfRange(all, from * 3, (from + n) * 3), n);
        }
        assertEquals(1000, m.count());
        Standardization z = m.current();
        for (int j = 0; j < 2; j++) {
            double mean = 0, var = 0;
            for (int i = 0; i < 1000; i++) mean += all[3 * i + j] / 1000.0;
            for (int i = 0; i < 1000; i++) var += (all[3 * i + j] - mean) * (all[3 * i + j] - mean) / 1000.0;
            assertEquals(mean, z.mean()[j], 1e-5 * Math.abs(mean));
            assertEquals(Math.sqrt(var), z.std()[j], 1e-4 * Math.sqrt(var));
        }
        assertEquals(7f, z.mean()[2]);
        assertEquals(1f, z.std()[2], "a constant feature is centred, not blown up");
        float[] s = z.apply(all, 1000);
        assertEquals(0f, s[2]);
        double sq = 0;
        for (int i = 0; i < 1000; i++) sq += s[3 * i] * s[3 * i] / 1000.0;
        assertEquals(1.0, sq, 1e-3, "unit variance after the transform");
    }

    @Test
    void itsStateRestoresExactlyAndRefusesAnotherWidth() {
        RunningMoments m = new RunningMoments(3);
        m.update(rows(50, 2), 50);
        RunningMoments back = new RunningMoments(3);
        back.restore(m.save());
        assertEquals(m.count(), back.count());
        assertArrayEquals(m.current().mean(), back.current().mean());
        assertArrayEquals(m.current().std(), back.current().std());
        var e = assertThrows(IllegalArgumentException.class, () -> new RunningMoments(4).restore(m.save()));
        assertTrue(e.getMessage().contains("3 features") && e.getMessage().contains("4"), e.getMessage());
        assertEquals(null, new RunningMoments(2).current(), "nothing seen, nothing to apply");
    }
}
