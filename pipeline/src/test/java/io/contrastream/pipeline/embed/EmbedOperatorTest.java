package io.contrastream.pipeline.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class EmbedOperatorTest {

    static final EncoderConfig ENCODER = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {3}, new int[] {8}, 4, 4, 4, 9);

    static EncoderSnapshot snapshot(long version, long weightSeed) {
        EncoderConfig c = new EncoderConfig(ENCODER.architecture(), ENCODER.inputShape(), ENCODER.hidden(), 4, 4, 4, weightSeed);
        float[] w = Encoders.build(c, DataType.FLOAT).params().toFloatVector();
        return Snapshots.toAvro(new Snapshot(version, version * 10, ENCODER, w));
    }

    private static TwoInputStreamOperatorTestHarness<Instance, EncoderSnapshot, Embedding> harness(int batch) throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(new EmbedOperator(batch, 50));
    }

    private static Instance x(String id, float... v) {
        return new Instance(id, 1, v, -1);
    }

    @Test
    void buffersSamplesUntilTheFirstSnapshotThenEmbedsThemWithIt() throws Exception {
        try (var h = harness(64)) {
            h.open();
            h.processElement1(x("a", 1, 2, 3), 1);
            h.processElement1(x("b", 3, 2, 1), 2);
            assertEquals(0, h.extractOutputValues().size());
            h.processElement2(snapshot(1, 5), 3);
            List<Embedding> out = h.extractOutputValues();
            assertEquals(List.of("a", "b"), out.stream().map(Embedding::getSampleId).toList());
            assertTrue(out.stream().allMatch(e -> e.getEncoderVersion() == 1 && e.getVector().size() == 4));
        }
    }

    @Test
    void microBatchesCloseWhenFullOrWhenTheDelayPasses() throws Exception {
        try (var h = harness(3)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement2(snapshot(1, 5), 0);
            for (int i = 0; i < 4; i++) h.processElement1(x("s" + i, i, i, i), 0);
            assertEquals(3, h.extractOutputValues().size(), "a full batch goes at once");
            h.setProcessingTime(49);
            assertEquals(3, h.extractOutputValues().size());
            h.setProcessingTime(50);
            assertEquals(4, h.extractOutputValues().size(), "the rest goes after the delay");
        }
    }

    @Test
    void usesTheNewestVersionAndMatchesTheFrozenEncoder() throws Exception {
        try (var h = harness(1)) {
            h.open();
            EncoderSnapshot v2 = snapshot(2, 7);
            h.processElement2(snapshot(1, 5), 1);
            h.processElement2(v2, 2);
            h.processElement2(snapshot(1, 5), 3);   // an older version arriving late is ignored
            h.processElement1(x("c", 0.5f, -1, 2), 4);
            Embedding e = h.extractOutputValues().get(0);
            assertEquals(2, e.getEncoderVersion());
            Snapshot s = Snapshots.fromAvro(v2);
            float[] expected = new FrozenEncoder(s.config(), s.weights()).embed(new float[] {0.5f, -1, 2}, 1)[0];
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], e.getVector().get(i), 1e-6f);
        }
    }

    @Test
    void waitingSamplesAndTheEncoderSurviveARestore() throws Exception {
        OperatorSubtaskState state;
        try (var h = harness(64)) {
            h.open();
            h.processElement1(x("early", 1, 1, 1), 1);
            state = h.snapshot(1, 1);
        }
        try (var h = harness(64)) {
            h.initializeState(state);
            h.open();
            h.processElement2(snapshot(3, 5), 2);
            assertEquals(List.of("early"), h.extractOutputValues().stream().map(Embedding::getSampleId).toList());
        }
    }
}
