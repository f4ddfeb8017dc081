package io.contrastream.pipeline.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.train.Snapshots;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class EmbedFunctionTest {

    static final EncoderConfig ENCODER = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {3}, new int[] {8}, 4, 4, 4, 9);

    static EncoderSnapshot snapshot(long version, long seed) {
        EncoderConfig c = new EncoderConfig(ENCODER.architecture(), ENCODER.inputShape(), ENCODER.hidden(), 4, 4, 4, seed);
        float[] w = io.contrastream.model.encoder.Encoders.build(c, null, org.nd4j.linalg.api.buffer.DataType.FLOAT).params().toFloatVector();
        return Snapshots.toAvro(new Snapshot(version, version * 10, ENCODER, w));
    }

    private static BroadcastOperatorTestHarness<Instance, EncoderSnapshot, Embedding> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(new EmbedFunction(), EmbedFunction.ENCODER);
    }

    @Test
    void buffersSamplesUntilTheFirstSnapshotThenEmbedsThemWithIt() throws Exception {
        try (var h = harness()) {
            h.processElement(new Instance("a", 1, new float[] {1, 2, 3}, -1), 1);
            h.processElement(new Instance("b", 2, new float[] {3, 2, 1}, -1), 2);
            assertEquals(0, h.extractOutputValues().size());
            h.processBroadcastElement(snapshot(1, 5), 3);
            List<Embedding> out = h.extractOutputValues();
            assertEquals(List.of("a", "b"), out.stream().map(Embedding::getSampleId).toList());
            assertTrue(out.stream().allMatch(e -> e.getEncoderVersion() == 1 && e.getVector().size() == 4));
        }
    }

    @Test
    void tagsEachEmbeddingWithTheNewestVersionAndItsVector() throws Exception {
        try (var h = harness()) {
            EncoderSnapshot v2 = snapshot(2, 7);
            h.processBroadcastElement(snapshot(1, 5), 1);
            h.processBroadcastElement(v2, 2);
            h.processBroadcastElement(snapshot(1, 5), 3);   // an older version arriving late is ignored
            h.processElement(new Instance("c", 4, new float[] {0.5f, -1, 2}, -1), 4);
            Embedding e = h.extractOutputValues().get(0);
            assertEquals(2, e.getEncoderVersion());
            Snapshot s = Snapshots.fromAvro(v2);
            float[] expected = new FrozenEncoder(s.config(), s.weights()).embed(new float[] {0.5f, -1, 2}, 1)[0];
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], e.getVector().get(i), 1e-6f);
        }
    }
}
