package io.contrastream.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DivergenceGuardTest {

    private static DivergenceGuard warmed(long seed) {
        DivergenceGuard g = new DivergenceGuard();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < DivergenceGuard.WARMUP + 30; i++) assertTrue(g.accept(1 + 0.3 * rng.nextGaussian()));
        return g;
    }

    @Test
    void refusesNonFiniteNormsAlways() {
        DivergenceGuard g = new DivergenceGuard();
        assertFalse(g.accept(Double.NaN));
        assertFalse(g.accept(Double.POSITIVE_INFINITY));
        assertTrue(g.accept(1));
    }

    @Test
    void acceptsNormalNoiseAndRefusesASpike() {
        DivergenceGuard g = warmed(1);
        assertEquals(1.0, g.scale(), 0.2);
        assertTrue(g.accept(3), "3x the scale is ordinary noise");
        assertFalse(g.accept(100), "100x the scale is a spike");
        assertTrue(g.accept(1.1), "and training goes on");
    }

    @Test
    void aLastingChangeOfScaleIsAcceptedAfterAFewSkips() {
        DivergenceGuard g = warmed(2);
        int skipped = 0;
        while (!g.accept(50)) skipped++;
        assertTrue(skipped > 0 && skipped <= 10, "skipped " + skipped);
    }

    @Test
    void noRefusalDuringWarmUp() {
        DivergenceGuard g = new DivergenceGuard();
        assertTrue(g.accept(1));
        assertTrue(g.accept(1000), "the first steps set the scale; nothing to compare with yet");
    }
}
