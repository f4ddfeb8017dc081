package io.contrastream.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.pipeline.testkit.LocalKafka;
import io.contrastream.pipeline.testkit.OutputReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * An upgrade on a real multi-process Flink cluster: the job jar runs, is stopped with a savepoint through the REST API,
 * and is submitted again restoring that savepoint (the REST equivalent of {@code flink run -s}). Encoder versions
 * continue without gap or repeat, the space stays the same, and every sample's embedding and every bad record's dead
 * letter is committed exactly once over both runs.
 */
class ClusterResumeITCase {

    static final int DIM = 16;
    static final int VALID = 2000;

    @Test
    void aJobStoppedWithASavepointAndResubmittedResumesItsVersionsAndOutput() throws Exception {
        Path jar = Path.of("target", "contrastream-pipeline-job.jar");
        assertTrue(Files.exists(jar), "the build makes the job jar (mvn package) before the integration tests");
        Path dir = Path.of("target", "it-cluster-resume-" + System.nanoTime()).toAbsolutePath();
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"));
             StandaloneFlink flink = StandaloneFlink.start(dir.resolve("flink"), 1, Map.of("taskmanager.numberOfTaskSlots", "4"))) {
            kafka.createTopics(Map.of("up-samples", 2, "up-embeddings", 2, "up-drift", 1, "up-dead", 1), Map.of());
            kafka.createTopics(Map.of("up-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
            List<String> args = List.of("--bootstrap-servers", kafka.bootstrapServers(), "--samples-topic", "up-samples",
                    "--embeddings-topic", "up-embeddings", "--drift-topic", "up-drift", "--dead-letter-topic", "up-dead",
                    "--snapshot-topic", "up-snapshots", "--group-id", "up", "--input-shape", Integer.toString(DIM), "--hidden", "32",
                    "--embedding-dim", "16", "--projection-dim", "16", "--batch-size", "32", "--queue-size", "256",
                    "--snapshot-every", "5", "--drift-window", "500", "--anchor-samples", "256", "--parallelism", "2",
                    "--serving-warmup-steps", "0", "--serving-warmup-plateau", "0",   // 1,000 samples a run: serve from the first steps
                    "--embed-parallelism", "2", "--checkpoint-interval-ms", "1000",
                    "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString());
            Set<String> valid = new HashSet<>();
            int[] bad = {0};
            SyntheticStream stream = new SyntheticStream(DIM, 4, -1, 13);
            String jarId = flink.uploadJar(jar);
            try (SampleProducer out = new SampleProducer(kafka.clientProperties(), "up-samples", 0);
                 OutputReader reader = new OutputReader(kafka.clientProperties(), "up-embeddings", "up-drift", "up-dead", "up-snapshots")) {
                produce(out, stream, 0, VALID / 2, valid, bad);
                String job = flink.runJar(jarId, "io.contrastream.pipeline.cli.JobMain", args);
                await(reader, VALID / 2, bad[0]);
                String savepoint = flink.stopWithSavepoint(job, dir.resolve("savepoints").toUri().toString());
                int versionsBefore = reader.snapshotVersions().size();

                produce(out, stream, VALID / 2, VALID, valid, bad);
                String upgraded = flink.runJar(jarId, "io.contrastream.pipeline.cli.JobMain", args, savepoint);
                await(reader, VALID, bad[0]);
                long deadline = System.currentTimeMillis() + 60_000;
                while (reader.snapshotVersions().size() <= versionsBefore && System.currentTimeMillis() < deadline) {
                    reader.poll(Duration.ofMillis(500));
                }
                for (int i = 0; i < 8; i++) reader.poll(Duration.ofMillis(250));
                flink.cancel(upgraded);

                assertEquals(VALID, reader.embeddings(), "one committed embedding per sample over both runs");
                assertEquals(valid, reader.embeddedIds());
                assertEquals(bad[0], reader.deadLetters(), "one committed dead letter per bad record");
                assertEquals(bad[0], reader.deadLetterKeys().size());
                List<Long> versions = reader.snapshotVersions();
                assertTrue(versions.size() > versionsBefore, "the resubmitted job published new versions");
                assertEquals(LongStream.rangeClosed(1, versions.size()).boxed().toList(), versions, "versions continue without gap or repeat");
                assertEquals(1, reader.embeddingsBySpace().size(), "one space across the upgrade: " + reader.embeddingsBySpace());
            } catch (AssertionError | Exception e) {
                System.err.println("JobManager log tail:\n" + flink.logTail("jobmanager", 60));
                throw e;
            }
        }
    }

    private static void produce(SampleProducer out, SyntheticStream stream, int from, int to, Set<String> valid, int[] bad)
            throws InterruptedException {
        for (int i = from; i < to; i++) {
            SyntheticStream.Example e = stream.example(i);
            out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
            valid.add(e.id());
            if (i % 20 == 0) out.sendBytes("bad-" + i, BadRecords.make(bad[0]++, new int[] {DIM}, 13));
        }
        out.flush();
    }

    private static void await(OutputReader reader, int embeddings, int deadLetters) throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (reader.embeddedIds().size() < embeddings || reader.deadLetters() < deadLetters) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + reader.embeddings() + " embeddings and " + reader.deadLetters() + " dead letters after 4 minutes");
            }
            reader.poll(Duration.ofMillis(500));
        }
    }
}
