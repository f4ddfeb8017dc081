package io.contrastream.model.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    /** The first step at which the warm-up is over, feeding loss(step) from step 1. */
    private static long firstServed(WarmUp w, java.util.function.LongToDoubleFunction loss, long limit) {
        for (long step = 1; step <= limit; step++) {
            w.observe(loss.applyAsDouble(step));
            if (w.over(step)) return step;
        }
        return -1;
    }

    @Test
    void withoutAPlateauItIsAFixedCount() {
        assertEquals(40, firstServed(new WarmUp(40, 1000, 0, 10), s -> 10.0 / s, 5000));
    }

    @Test
    void waitsWhileTheLossFallsAndEndsOnceItLevelsOff() {
        SplittableRandom rng = new SplittableRandom(3);
        // Falls by 2 % per 10 steps until step 300, then flat; noise of ±0.5 % per step.
        java.util.function.LongToDoubleFunction loss = s -> 5 * Math.pow(0.98, Math.min(s, 300) / 10.0) * (1 + 0.01 * (rng.nextDouble() - 0.5));
        long served = firstServed(new WarmUp(40, 1000, 0.01, 10), loss, 5000);
        assertTrue(served > 290 && served <= 330, "served at step " + served);
    }

    @Test
    void endsAtTheCapWhateverTheLoss() {
        assertEquals(500, firstServed(new WarmUp(40, 500, 0.01, 10), s -> 1000.0 / s, 5000));
    }

    @Test
    void skippedStepsAndNaNsAreIgnoredAndTheEndIsFinal() {
        WarmUp w = new WarmUp(5, 100, 0.01, 5);
        for (long s = 1; s <= 20; s++) w.observe(s % 2 == 0 ? Double.NaN : 3.0);
        assertTrue(w.over(20), "flat over the finite losses");
        w.observe(1.0);
        assertTrue(w.over(21), "once over, over");
        assertFalse(new WarmUp(5, 100, 0.01, 5).over(4));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(50, 40, 0.01, 5));
    }
}
