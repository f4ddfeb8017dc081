package io.contrastream.model.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftAlarmsTest {

    static final DriftAnalyzer ANALYZER = new DriftAnalyzer(128, DriftAlarms.permutationsFor(0.01), 3);

    /** Windows 0..n-1 of 256 rows in 16 dimensions; from {@code shiftAt} on every coordinate's mean moves by {@code shift}. */
    static List<Integer> alarms(int n, int shiftAt, double shift, long seed) {
        DriftAlarms alarms = DriftAlarms.defaults(0.01, 2);
        SplittableRandom noise = new SplittableRandom(seed);
        float[][] reference = Fixtures.gaussianRows(256, 16, 0, seed);
        List<Integer> fired = new ArrayList<>();
        for (int w = 1; w <= n; w++) {
            float[][] window = Fixtures.gaussianRows(256, 16, w >= shiftAt ? shift : 0, seed + w);
            DriftAnalyzer.WindowMetrics m = ANALYZER.analyze(window, reference, w);
            double loss = 5 + 0.05 * Fixtures.gaussian(noise);   // a stationary training loss
            DriftAlarms.Decision d = alarms.judge(m.mmdPValue(), loss, null, m.collapseStd());
            if (d.alarm()) fired.add(w);
        }
        return fired;
    }

    @Test
    void aStationaryStreamRaisesNoAlarm() {
        // Reference seed 1 is an ordinary draw; unlucky references are the next test's subject.
        assertEquals(List.of(), alarms(60, Integer.MAX_VALUE, 0, 1));
    }

    @Test
    void anInjectedMeanShiftRaisesAnAlarmWithinTwoWindows() {
        List<Integer> fired = alarms(30, 20, 0.3, 1);
        assertFalse(fired.isEmpty(), "the shift was detected");
        assertEquals(21, fired.get(0), "windows 20 and 21 suspect, alarm on the second: " + fired);
    }

    @Test
    void confirmedMmdAlarmsStayBelowOnePer100StationaryWindowsAgainstEachReference() {
        for (long ref : new long[] {42, 7, 99}) {   // 42 and 7 are unlucky references: p ≤ 0.01 in 3–4 % of windows
            float[][] reference = Fixtures.gaussianRows(256, 16, 0, ref);
            DriftAlarms alarms = DriftAlarms.defaults(0.01, 2);
            int suspect = 0;
            int fired = 0;
            for (int w = 0; w < 300; w++) {
                double p = ANALYZER.analyze(Fixtures.gaussianRows(256, 16, 0, 5000 + w), reference, w).mmdPValue();
                if (p <= 0.01) suspect++;
                if (alarms.judge(p, null, null, null).alarm()) fired++;
            }
            assertTrue(fired <= 3, "reference " + ref + ": " + fired + " alarms in 300 windows (" + suspect + " suspect)");
        }
    }

    @Test
    void pageHinkleyFiresFastOnASustainedShiftAndRarelyOtherwise() {
        SplittableRandom rng = new SplittableRandom(11);
        PageHinkley quiet = new PageHinkley(10, 0.5, 8);
        int falseAlarms = 0;
        for (int i = 0; i < 20_000; i++) if (quiet.add(3 + 0.1 * Fixtures.gaussian(rng))) falseAlarms++;
        assertTrue(falseAlarms <= 40, falseAlarms + " false alarms in 20,000 in-control values (mean run > 500)");
        PageHinkley shifted = new PageHinkley(10, 0.5, 8);
        for (int i = 0; i < 30; i++) assertFalse(shifted.add(3 + 0.1 * Fixtures.gaussian(rng)));
        int delay = 0;
        while (!shifted.add(3.2 + 0.1 * Fixtures.gaussian(rng))) delay++;
        assertTrue(delay < 10, "a 2σ shift detected after " + delay + " values");
    }

    @Test
    void checkpointedDetectorsContinueIdentically() {
        DriftAlarms a = DriftAlarms.defaults(0.01, 2);
        for (int i = 0; i < 15; i++) a.judge(null, 1.0 + 0.01 * i % 3, null, null);
        DriftAlarms b = DriftAlarms.defaults(0.01, 2);
        b.restore(a.save());
        for (int i = 0; i < 20; i++) assertEquals(a.judge(0.5, 1.0 + 0.02 * i, null, null), b.judge(0.5, 1.0 + 0.02 * i, null, null));
    }

    @Test
    void representationDriftIsZeroWhenTheEncoderDoesNotChange() {
        float[][] e = Fixtures.gaussianRows(100, 8, 0, 3);
        RepresentationDrift.Result same = RepresentationDrift.compare(e, e.clone(), 10);
        assertEquals(0, same.cosineMovement(), 1e-12);
        assertEquals(1, same.knnOverlap(), 1e-12);
        float[][] moved = new float[100][];
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < 100; i++) {
            moved[i] = e[i].clone();
            for (int j = 0; j < 8; j++) moved[i][j] += (float) (0.5 * Fixtures.gaussian(rng));
        }
        RepresentationDrift.Result r = RepresentationDrift.compare(e, moved, 10);
        assertTrue(r.cosineMovement() > 0.02 && r.knnOverlap() < 0.9, r.toString());
    }

    @Test
    void adwinKeepsAStationarySeriesAndDropsTheOldPartAfterAShift() {
        SplittableRandom rng = new SplittableRandom(21);
        Adwin adwin = new Adwin(0.002, 5);
        for (int i = 0; i < 200; i++) assertFalse(adwin.add(5 + 0.1 * Fixtures.gaussian(rng)), "no change at value " + i);
        assertEquals(200, adwin.size());
        int delay = 0;
        while (!adwin.add(5.3 + 0.1 * Fixtures.gaussian(rng))) delay++;
        assertTrue(delay < 60, "a 3σ shift detected after " + delay + " values (ADWIN's bound is conservative: 44 here)");
        assertTrue(adwin.size() < 200 + delay + 1, "the window dropped values from before the shift");
    }
}
