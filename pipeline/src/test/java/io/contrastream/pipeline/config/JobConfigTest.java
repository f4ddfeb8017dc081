package io.contrastream.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.train.QueueHygiene;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void unsetWidthsFollowTheArchitecture() {
        EncoderConfig mlp = JobConfig.parse(Map.of("input-shape", "20")).encoderConfig();
        assertEquals(EncoderConfig.Architecture.MLP, mlp.architecture());
        assertArrayEquals(new int[] {128}, mlp.hidden());
        assertEquals(64, mlp.embeddingDim());
        EncoderConfig cnn = JobConfig.parse(Map.of("input-shape", "1,8,8")).encoderConfig();
        assertEquals(EncoderConfig.Architecture.CNN, cnn.architecture());
        assertArrayEquals(new int[] {32, 64}, cnn.hidden());
        assertEquals(128, cnn.embeddingDim());
        assertEquals(128, cnn.projectionDim());
        JobConfig given = JobConfig.parse(Map.of("input-shape", "1,8,8", "hidden", "16", "embedding-dim", "32"));
        assertArrayEquals(new int[] {16}, given.encoderConfig().hidden(), "a width the user set is kept");
        assertEquals(32, given.encoderConfig().embeddingDim());
        assertEquals("16", given.describe().get("hidden"));
        assertEquals("32,64", JobConfig.parse(Map.of("input-shape", "1,8,8")).describe().get("hidden"), "--print-config shows what runs");
    }

    @Test
    void queueHygieneOptionsReachTheLearner() {
        assertEquals(QueueHygiene.defaults(), JobConfig.defaults().learnerConfig().hygiene());
        QueueHygiene h = JobConfig.parse(Map.of("queue-mask-same-id", "false", "queue-max-cosine", "0.9", "queue-max-age", "50"))
                .learnerConfig().hygiene();
        assertFalse(h.maskSameId());
        assertEquals(0.9, h.maxNegativeCosine());
        assertEquals(50, h.maxAge());
        var e = assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(Map.of("queue-max-cosine", "1.5")));
        assertTrue(e.getMessage().contains("--queue-max-cosine") && e.getMessage().contains("(-1.0, 1.0]"), e.getMessage());
    }

    @Test
    void batchNormalisedMethodsNeedTwoPairsABatch() {
        var e = assertThrows(IllegalArgumentException.class, () -> JobConfig.parse(Map.of("method", "byol", "batch-size", "1")));
        assertTrue(e.getMessage().startsWith("--batch-size") && e.getMessage().contains("2 to 65536"), e.getMessage());
        assertEquals(1, JobConfig.parse(Map.of("method", "moco", "batch-size", "1")).get(JobParams.BATCH_SIZE));
    }

    @Test
    void crossChecksNameTheOptionAndWhatIsAllowed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.parse(Map.of("delivery", "exactly_once", "checkpoint-interval-ms", "0")));
        assertTrue(e.getMessage().startsWith("--delivery: 'exactly_once' needs checkpoints"), e.getMessage());
        JobConfig.parse(Map.of("delivery", "at_least_once", "checkpoint-interval-ms", "0"));   // fine without checkpoints
        e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.parse(Map.of("serving-warmup-steps", "200", "serving-warmup-max-steps", "100")));
        assertTrue(e.getMessage().startsWith("--serving-warmup-max-steps: 100 is below --serving-warmup-steps 200"), e.getMessage());
    }
}
