package io.contrastream.pipeline.io;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.common.ProbeSelector;
import io.contrastream.pipeline.config.JobParams.DriftReference;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.drift.DriftInput;
import io.contrastream.pipeline.drift.DriftOperator;
import io.contrastream.pipeline.embed.EmbedOperator;
import io.contrastream.pipeline.train.LearnerOperator;
import io.contrastream.pipeline.train.PairBatch;
import io.contrastream.pipeline.train.Serving;
import io.contrastream.schema.EncoderSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The states of the three operators that hold an encoder snapshot, each taken with one held, as a build wrote them
 * (src/test/resources/state-fixtures/{@code <operator>-snapshot-<format>.bin}), so later builds are tested against
 * real old bytes. Format {@code avro}: the held snapshot written by Flink's Avro serializer (before
 * {@link SnapshotState}); {@code codec}: by SnapshotState, in the hand-written codec's bytes. {@code mvn test -pl
 * pipeline -am -Dtest=SnapshotStateFixtures -Dsurefire.failIfNoSpecifiedTests=false -Dfixtures.write=true} writes
 * them in this build's format.
 */
class SnapshotStateFixtures {

    static final Path DIR = Path.of("src/test/resources/state-fixtures");

    /** The format of the held snapshot this build writes. */
    static final String FORMAT = "codec";

    /** An operator that holds an encoder snapshot, its state of them, and its inputs in three phases. */
    enum Holder {
        EMBED("encoder", true) {
            @Override
            AbstractStreamOperatorTestHarness<?> harness() throws Exception {
                return new TwoInputStreamOperatorTestHarness<>(new EmbedOperator(64, 50));
            }

            /** 0: the snapshot, then five samples that wait for the batch; 1, 2: five more, and the delay passes. */
            @Override
            void feed(AbstractStreamOperatorTestHarness<?> harness, int phase) throws Exception {
                @SuppressWarnings("unchecked")
                var h = (TwoInputStreamOperatorTestHarness<Instance, EncoderSnapshot, ?>) harness;
                if (phase == 0) h.processElement2(snapshot(VERSION), 0);
                for (int i = 5 * phase; i < 5 * phase + 5; i++) h.processElement1(sample(i), 0);
                if (phase > 0) h.setProcessingTime(100L * phase);
            }
        },
        DRIFT("drift-encoder", false) {
            @Override
            AbstractStreamOperatorTestHarness<?> harness() throws Exception {
                return new OneInputStreamOperatorTestHarness<>(
                        new DriftOperator(20, DriftReference.FIRST, 12, 20, 42, new ProbeSelector(0.3, 1)));
            }

            /** 0: the snapshot and 50 samples (two windows of 20 reported); 1, 2: 40 samples each. */
            @Override
            void feed(AbstractStreamOperatorTestHarness<?> harness, int phase) throws Exception {
                @SuppressWarnings("unchecked")
                var h = (OneInputStreamOperatorTestHarness<DriftInput, ?>) harness;
                if (phase == 0) h.processElement(DriftInput.of(snapshot(VERSION)), 0);
                int from = phase == 0 ? 0 : 10 + 40 * phase;
                for (int i = from; i < 50 + 40 * phase; i++) h.processElement(DriftInput.of(sample(i)), 0);
            }
        },
        LEARNER("served-version", false) {
            @Override
            AbstractStreamOperatorTestHarness<?> harness() throws Exception {
                EncoderConfig encoder = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {DIM}, new int[] {16}, 8, 8, 4, 1);
                LearnerConfig learner = new LearnerConfig(32, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0);
                return new OneInputStreamOperatorTestHarness<>(new LearnerOperator(encoder, learner, 2)
                        .withServing(new Serving(ServingSpace.Mechanism.COMPAT_ALIGN, 100.0, 256, 0)));
            }

            /** 0: six batches (versions 1 to 3, the third aligned); 1, 2: two batches each, one version. */
            @Override
            void feed(AbstractStreamOperatorTestHarness<?> harness, int phase) throws Exception {
                @SuppressWarnings("unchecked")
                var h = (OneInputStreamOperatorTestHarness<PairBatch, ?>) harness;
                for (int b = phase == 0 ? 0 : 4 + 2 * phase; b < 6 + 2 * phase; b++) h.processElement(batch(b), 0);
            }
        };

        final String state;
        final boolean union;

        Holder(String state, boolean union) {
            this.state = state;
            this.union = union;
        }

        abstract AbstractStreamOperatorTestHarness<?> harness() throws Exception;

        /** Feeds the inputs of phase 0 (before the fixture is taken), 1 or 2. */
        abstract void feed(AbstractStreamOperatorTestHarness<?> h, int phase) throws Exception;

        /** The fixture of this operator in a format. */
        Path fixture(String format) {
            return DIR.resolve(name().toLowerCase(Locale.ROOT) + "-snapshot-" + format + ".bin");
        }

        /** The operator's state after phase 0. */
        OperatorSubtaskState fixtureState() throws Exception {
            try (var h = harness()) {
                h.open();
                feed(h, 0);
                return h.snapshot(1, 1);
            }
        }

        /** The encoder snapshots a state of this operator holds, as an operator of this build reads them. */
        List<EncoderSnapshot> held(OperatorSubtaskState saved) throws Exception {
            Peek peek = new Peek(state, union);
            try (var h = new OneInputStreamOperatorTestHarness<Void, Void>(peek)) {
                h.initializeState(saved);
                return peek.held;
            }
        }
    }

    /** The input width of every operator here. */
    static final int DIM = 8;

    /** The version each operator holds when the fixture is taken (the learner's third). */
    static final long VERSION = 3;

    /** Version {@code v} of a small encoder (8 → 16 → 8), its weights seeded Gaussians rather than an initialiser's. */
    static EncoderSnapshot snapshot(long v) {
        EncoderConfig c = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {DIM}, new int[] {16}, 8, 8, 8, 0);
        float[] w = gaussian(v, (int) Encoders.build(c, DataType.FLOAT).numParams());
        for (int i = 0; i < w.length; i++) w[i] *= 0.3f;
        return Snapshots.toAvro(new Snapshot(v, 10 * v, c, w));
    }

    /** The i-th sample: eight Gaussian values, label i mod 2. */
    static Instance sample(int i) {
        return new Instance("s" + i, 1000 + i, gaussian(i, DIM), i % 2);
    }

    /** The b-th learner batch: 64 samples and their noisy second views. */
    static PairBatch batch(int b) {
        int n = 64;
        float[] first = gaussian(1000L + b, n * DIM);
        float[] noise = gaussian(2000L + b, n * DIM);
        float[] second = new float[first.length];
        for (int i = 0; i < second.length; i++) second[i] = first[i] + 0.1f * noise[i];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) ids[i] = "b" + b + "-" + i;
        return new PairBatch(n, ids, first, second, first.clone());
    }

    private static float[] gaussian(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    /** Reads one operator state of encoder snapshots, with the serializer the operators of this build register. */
    static final class Peek extends AbstractStreamOperator<Void> implements OneInputStreamOperator<Void, Void> {

        private final String name;
        private final boolean union;
        transient List<EncoderSnapshot> held;

        Peek(String name, boolean union) {
            this.name = name;
            this.union = union;
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            OperatorStateStore store = context.getOperatorStateStore();
            ListStateDescriptor<EncoderSnapshot> d = SnapshotState.descriptor(name);
            ListState<EncoderSnapshot> state = union ? store.getUnionListState(d) : store.getListState(d);
            held = new ArrayList<>();
            state.get().forEach(held::add);
        }

        @Override
        public void processElement(StreamRecord<Void> element) {}
    }

    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void write() throws Exception {
        Files.createDirectories(DIR);
        for (Holder holder : Holder.values()) {
            OperatorSnapshotUtil.writeStateHandle(holder.fixtureState(), holder.fixture(FORMAT).toString());
        }
    }
}
