package io.contrastream.pipeline.drift;

import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.config.JobParams.DriftReference;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.common.ProbeSelector;
import io.contrastream.schema.DriftReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Small seeded drift states and their bytes as an earlier build wrote them (src/test/resources/state-fixtures), so
 * later formats are tested against real old bytes; {@code mvn test -pl pipeline -am -Dtest=StateFixtures
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfixtures.write=true} writes them with this build's format.
 */
class StateFixtures {

    /** Samples the drift operator fixture was taken after: 34 windows of 20, so 32 wait for an encoder. */
    static final int OPERATOR_SAMPLES = 34 * 20 + 10;

    /** Seven samples in a window of four rows, and step stats: two trained (one without negatives), one skipped. */
    static WindowAccumulator window() {
        WindowAccumulator w = new WindowAccumulator(4, 42, 3);
        for (int i = 0; i < 7; i++) w.add(instance(i));
        w.add(new StepStats(11, 32, 4.5, 0.8, 0.1, 0.5, 1.0, false, 0, 0, 0));
        w.add(new StepStats(12, 32, 4.25, 0.85, Double.NaN, 0.5, 1.0, false, 0, 0, 0));
        w.add(new StepStats(13, 32, Double.NaN, Double.NaN, Double.NaN, 0.5, 1.0, true, 0, 0, 0));
        return w;
    }

    /** Six labelled samples offered to four slots. */
    static ProbeReservoir probes() {
        ProbeReservoir p = new ProbeReservoir(4, 42);
        for (int i = 0; i < 6; i++) p.add(instance(i));
        return p;
    }

    /** Twelve probes, embedded (doubled) by version 5. */
    static RepresentationProbe representation() {
        RepresentationProbe p = new RepresentationProbe();
        float[][] rows = new float[12][];
        for (int i = 0; i < rows.length; i++) rows[i] = instance(i).values;
        p.fix(rows);
        p.update(m -> java.util.Arrays.stream(m).map(StateFixtures::doubled).toArray(float[][]::new), 5);
        return p;
    }

    /** The operator of the fixture: windows of 20, reservoirs of 12, a third of the samples held out as probes. */
    static DriftOperator operator() {
        return new DriftOperator(20, DriftReference.FIRST, 12, 20, 42, new ProbeSelector(0.3, 1));
    }

    /** The i-th sample of the operator's input: eight Gaussian values, label i mod 2. */
    static DriftInput sample(int i) {
        return DriftInput.of(instance(i));
    }

    /** The operator's state after {@link #OPERATOR_SAMPLES} samples and no encoder. */
    static OperatorSubtaskState operatorState() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<DriftInput, DriftReport>(operator())) {
            h.open();
            for (int i = 0; i < OPERATOR_SAMPLES; i++) h.processElement(sample(i), 0);
            return h.snapshot(1, 1);
        }
    }

    private static Instance instance(int i) {
        SplittableRandom r = new SplittableRandom(i);
        float[] x = new float[8];
        for (int j = 0; j < x.length; j++) x[j] = (float) r.nextGaussian();
        return new Instance("s" + i, 1000 + i, x, i % 2);
    }

    private static float[] doubled(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = 2 * v[i];
        return out;
    }

    /** The path of a committed fixture (Flink's snapshot reader takes a path). */
    static String path(String name) {
        java.net.URL url = StateFixtures.class.getResource("/state-fixtures/" + name);
        if (url == null) throw new IllegalStateException("no state fixture " + name);
        try {
            return Path.of(url.toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of a committed fixture. */
    static byte[] read(String name) {
        try {
            return Files.readAllBytes(Path.of(path(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void write() throws Exception {
        Path dir = Files.createDirectories(Path.of("src/test/resources/state-fixtures"));
        Files.write(dir.resolve("drift-window-v2.bin"), window().save());
        Files.write(dir.resolve("probe-reservoir-v2.bin"), probes().save());
        Files.write(dir.resolve("representation-probe-v2.bin"), representation().save());
        OperatorSnapshotUtil.writeStateHandle(operatorState(), dir.resolve("drift-operator-v2.bin").toString());
    }
}
