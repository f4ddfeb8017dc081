package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.state.StateCodec;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    /** Rows whose single value is their global sequence number. */
    private static float[] rows(int from, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = from + i;
        return x;
    }

    @Test
    void keepsEverySampleWithEqualProbability() {
        int[] kept = new int[1000];
        for (int trial = 0; trial < 400; trial++) {
            ReplayBuffer r = new ReplayBuffer(100, 1, trial);
            for (int from = 0; from < 1000; from += 50) r.add(rows(from, 50), 50);
            assertEquals(100, r.size());
            assertEquals(1000, r.seen());
            // 5,000 draws from 100 held rows see every one of them (miss probability ~1e-42 per row)
            java.util.Set<Float> held = new java.util.HashSet<>();
            for (float v : r.sample(5000, new java.util.SplittableRandom(trial))) held.add(v);
            assertEquals(100, held.size());
            for (float v : held) kept[(int) v]++;
        }
        // each of the 1000 is kept with probability 0.1: ~40 of 400 trials; early and late samples alike
        double early = 0;
        double late = 0;
        for (int i = 0; i < 100; i++) early += kept[i];
        for (int i = 900; i < 1000; i++) late += kept[i];
        assertTrue(Math.abs(early - late) / (early + late) < 0.15, "early " + early + " late " + late);
        assertTrue(early / 100 > 30 && early / 100 < 50, "mean kept count " + early / 100);
    }

    @Test
    void isDeterministicUnderASeedAndSurvivesSaveAndRestore() {
        ReplayBuffer a = new ReplayBuffer(8, 2, 3);
        ReplayBuffer b = new ReplayBuffer(8, 2, 3);
        float[] data = rows(0, 40);
        a.add(data, 20);
        b.add(data, 20);
        assertArrayEquals(a.sample(5, new java.util.SplittableRandom(1)), b.sample(5, new java.util.SplittableRandom(1)));
        ReplayBuffer c = new ReplayBuffer(8, 2, 99);
        c.restore(a.save());
        assertEquals(a.size(), c.size());
        assertEquals(a.seen(), c.seen());
    }

    @Test
    void refusesTheStateOfAnotherConfiguration() {
        ReplayBuffer a = new ReplayBuffer(8, 2, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ReplayBuffer(16, 2, 3).restore(a.save()));
        assertEquals("replay buffer state holds 8 rows of 2 values but the job is configured for 16 rows of 2", e.getMessage());
    }

    @Test
    void aStateWrittenByAnEarlierBuildRestoresToTheSameContents() {
        for (String fixture : new String[] {"replay-buffer-v2.bin", "replay-buffer-v3.bin"}) {
            ReplayBuffer restored = new ReplayBuffer(8, 3, 7);
            restored.restore(StateFixtures.read(fixture));
            assertArrayEquals(StateFixtures.replayBuffer().save(), restored.save(), fixture);
        }
    }

    @Test
    void theFirstLayoutWithoutMagicOrIdsRestoresWithUnknownIds() {
        byte[] v2 = StateFixtures.read("replay-buffer-v2.bin");
        byte[] v1 = java.util.Arrays.copyOfRange(v2, 4, 4 + 16 + 8 * 3 * 4);   // RPL2 without its magic and ids
        ReplayBuffer restored = new ReplayBuffer(8, 3, 7);
        restored.restore(v1);
        assertArrayEquals(StateFixtures.replayBuffer(false).save(), restored.save());
    }

    @Test
    void aRestoredStateIsSavedWithTheStateCodecAndContinuesLikeTheOriginal() {
        ReplayBuffer once = new ReplayBuffer(8, 3, 7);
        once.restore(StateFixtures.read("replay-buffer-v2.bin"));
        byte[] saved = once.save();
        assertTrue(StateCodec.encoded(saved));
        ReplayBuffer twice = new ReplayBuffer(8, 3, 7);
        twice.restore(saved);
        ReplayBuffer original = StateFixtures.replayBuffer();
        for (ReplayBuffer r : new ReplayBuffer[] {original, twice}) r.add(rows(100, 30), new long[10], 10);
        assertArrayEquals(original.save(), twice.save());
    }
}
