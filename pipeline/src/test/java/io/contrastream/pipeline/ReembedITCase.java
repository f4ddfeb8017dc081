package io.contrastream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.serve.Procrustes;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.cli.Cli;
import io.contrastream.pipeline.cli.Environments;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.BadRecords;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.io.SnapshotTopic;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.pipeline.local.LocalKafka;
import io.contrastream.pipeline.local.OutputReader;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The feed's contract against a real broker: every embedding of the live job names one space, the newest snapshot is
 * found on a topic an exactly-once job wrote (past its commit markers), and {@code reembed} writes every retained
 * sample, embedded by the chosen version in its space, exactly once into a new topic.
 */
class ReembedITCase {

    static final int DIM = 16;
    static final int VALID = 600;

    @Test
    void reembedWritesEveryRetainedSampleOnceWithTheChosenVersionInItsSpace() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(Path.of("target", "it-reembed-" + System.nanoTime()))) {
            JobConfig config = JobConfig.defaults()
                    .with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .with(JobParams.SAMPLES_TOPIC, "re-samples").with(JobParams.EMBEDDINGS_TOPIC, "re-embeddings")
                    .with(JobParams.DRIFT_TOPIC, "re-drift").with(JobParams.DEAD_LETTER_TOPIC, "re-dead")
                    .with(JobParams.SNAPSHOT_TOPIC, "re-snapshots").with(JobParams.BOUNDED, true)
                    .with(JobParams.INPUT_SHAPE, new int[] {DIM}).with(JobParams.HIDDEN, new int[] {32})
                    .with(JobParams.EMBEDDING_DIM, 16).with(JobParams.PROJECTION_DIM, 16).with(JobParams.ANCHOR_SAMPLES, 256)
                    .with(JobParams.BATCH_SIZE, 32).with(JobParams.QUEUE_SIZE, 256).with(JobParams.SNAPSHOT_EVERY, 3)
                .with(JobParams.SERVING_WARMUP_STEPS, 0).with(JobParams.SERVING_WARMUP_PLATEAU, 0.0)   // a few hundred samples: serve from the first steps
                    .with(JobParams.DRIFT_WINDOW, 100).with(JobParams.CHECKPOINT_INTERVAL_MS, 500L);
            kafka.createTopics(Map.of("re-samples", 2, "re-embeddings", 2, "re-drift", 1, "re-dead", 1), Map.of());
            kafka.createTopics(Map.of("re-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
            Map<String, float[]> values = new HashMap<>();
            SyntheticStream stream = new SyntheticStream(DIM, 4, -1, 3);
            try (SampleProducer out = new SampleProducer(config.kafkaProperties(), "re-samples", 0)) {
                for (int i = 0; i < VALID; i++) {
                    SyntheticStream.Example e = stream.example(i);
                    out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
                    values.put(e.id(), e.values());
                    if (i % 20 == 0) out.sendBytes("bad-" + i, BadRecords.make(i / 20, new int[] {DIM}, 3));
                }
            }
            StreamExecutionEnvironment env = Environments.local(config, 2);
            ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config);
            env.execute("contrastream-reembed-it");

            EncoderSnapshot newest;
            try (OutputReader live = new OutputReader(config.kafkaProperties(), "re-embeddings", "re-drift", "re-dead", "re-snapshots")) {
                long deadline = System.currentTimeMillis() + 60_000;
                while ((live.embeddings() < VALID || live.newestSnapshot() == null) && System.currentTimeMillis() < deadline) {
                    live.poll(Duration.ofMillis(500));
                }
                for (int i = 0; i < 4; i++) live.poll(Duration.ofMillis(250));
                newest = live.newestSnapshot();
                assertEquals(VALID, live.embeddings());
                assertEquals(Set.of(newest.getSpaceId()), live.embeddingsBySpace().keySet(), "the live feed is one space");
                assertTrue(newest.getVersion() >= 4, "versions advanced: " + newest.getVersion());
            }
            EncoderSnapshot found = SnapshotTopic.newest(config.kafkaProperties(), "re-snapshots");
            assertNotNull(found, "the newest snapshot is found past the exactly-once writer's commit markers");
            assertEquals(newest.getVersion(), found.getVersion());
            long chosen = newest.getVersion() - 1;
            EncoderSnapshot chosenSnapshot = SnapshotTopic.find(config.kafkaProperties(), "re-snapshots", chosen);
            assertEquals(chosen, chosenSnapshot.getVersion());

            int exit = Cli.commandLine().execute("reembed", "--bootstrap-servers", kafka.bootstrapServers(),
                    "--samples-topic", "re-samples", "--snapshot-topic", "re-snapshots", "--input-shape", Integer.toString(DIM),
                    "--group-id", "re-it", "--checkpoint-interval-ms", "500", "--version", Long.toString(chosen), "--output-topic", "re-index");
            assertEquals(0, exit);

            Snapshot model = Snapshots.fromAvro(chosenSnapshot);
            FrozenEncoder encoder = new FrozenEncoder(model.config(), model.weights());
            float[] alignment = Snapshots.alignment(chosenSnapshot);
            try (OutputReader index = new OutputReader(config.kafkaProperties(), "re-index", "re-none", "re-none", null).keepEmbeddings()) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (index.embeddings() < VALID && System.currentTimeMillis() < deadline) index.poll(Duration.ofMillis(500));
                for (int i = 0; i < 4; i++) index.poll(Duration.ofMillis(250));
                assertEquals(VALID, index.embeddings(), "one record per retained valid sample, no duplicates");
                assertEquals(values.keySet(), index.embeddedIds());
                assertEquals(Map.of(chosen, (long) VALID), index.embeddingsByVersion(), "all by the chosen version");
                assertEquals(Map.of(chosenSnapshot.getSpaceId(), (long) VALID), index.embeddingsBySpace());
                for (Embedding e : index.lastEmbeddings().values()) {
                    // As a consumer would: z-score by the snapshot's own mean and std, then the encoder, then the alignment.
                    var z = chosenSnapshot.getInputStandardization();
                    assertNotNull(z, "vector inputs are standardised by default");
                    float[] x = values.get(e.getSampleId()).clone();
                    for (int j = 0; j < x.length; j++) x[j] = (x[j] - z.getMean().get(j)) / z.getStd().get(j);
                    float[] expected = encoder.embed(x, 1)[0];
                    if (alignment != null) expected = Procrustes.apply(expected, alignment);
                    for (int j = 0; j < expected.length; j++) assertEquals(expected[j], e.getVector().get(j), 1e-4, e.getSampleId());
                }
            }
        }
    }
}
