package io.contrastream.pipeline;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * {@code contrastream run} as a service, in its own JVM against a real broker: killed with SIGKILL mid-stream and
 * started again with the same command, it resumes from its newest retained checkpoint; stopped with SIGTERM it takes a
 * savepoint and the next start resumes from that; with its checkpoint directory deleted it warm-starts from the
 * snapshot topic. Over all of it every sample's embedding and every bad record's dead letter is committed exactly once
 * (until the directory is deleted) and encoder versions run 1, 2, 3, ... without gap or repeat.
 */
class RunRestartITCase {

    static final int DIM = 16;

    @Test
    void runResumesAfterSigkillAndSigtermAndContinuesVersionsWithoutItsCheckpoints() throws Exception {
        Path dir = Path.of("target", "it-restart-" + System.nanoTime()).toAbsolutePath();
        Path checkpoints = dir.resolve("checkpoints");
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"))) {
            kafka.createTopics(Map.of("rs-samples", 2, "rs-embeddings", 2, "rs-drift", 1, "rs-dead", 1), Map.of());
            kafka.createTopics(Map.of("rs-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
            List<String> args = List.of("run", "--bootstrap-servers", kafka.bootstrapServers(), "--samples-topic", "rs-samples",
                    "--embeddings-topic", "rs-embeddings", "--drift-topic", "rs-drift", "--dead-letter-topic", "rs-dead",
                    "--snapshot-topic", "rs-snapshots", "--group-id", "rs", "--input-shape", Integer.toString(DIM), "--hidden", "32",
                    "--embedding-dim", "16", "--projection-dim", "16", "--batch-size", "32", "--queue-size", "256",
                    "--snapshot-every", "5", "--drift-window", "500", "--anchor-samples", "256",
                    "--checkpoint-interval-ms", "500", "--checkpoint-dir", checkpoints.toUri().toString());
            Set<String> valid = new HashSet<>();
            int[] bad = {0};
            SyntheticStream stream = new SyntheticStream(DIM, 4, -1, 11);
            try (SampleProducer out = new SampleProducer(kafka.clientProperties(), "rs-samples", 0);
                 OutputReader reader = new OutputReader(kafka.clientProperties(), "rs-embeddings", "rs-drift", "rs-dead", "rs-snapshots")) {
                // 1. A first start, killed like a lost machine once part of the stream is committed.
                produce(out, stream, 0, 2000, valid, bad);
                Process run = start(args, dir.resolve("run-1.log"));
                await(reader, 600, run);
                run.destroyForcibly().waitFor();
                long versionsBeforeKill = reader.snapshotVersions().size();

                // 2. The same command again: it resumes from the newest retained checkpoint.
                produce(out, stream, 2000, 3000, valid, bad);
                run = start(args, dir.resolve("run-2.log"));
                await(reader, 3000, run);
                String log2 = Files.readString(dir.resolve("run-2.log"));
                assertTrue(log2.contains("resuming from") && log2.contains("chk-"), "the start-up log says what it resumed from:\n" + log2);

                // 3. SIGTERM: a savepoint; the next start resumes from it.
                run.destroy();
                assertTrue(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "SIGTERM ends the run");
                String stopped = Files.readString(dir.resolve("run-2.log"));
                assertTrue(stopped.contains("stopped with savepoint"), "SIGTERM takes a savepoint:\n" + stopped);
                produce(out, stream, 3000, 4000, valid, bad);
                run = start(args, dir.resolve("run-3.log"));
                await(reader, 4000, run);
                assertTrue(Files.readString(dir.resolve("run-3.log")).contains("savepoint-"), "resumed from the savepoint");
                for (int i = 0; i < 8; i++) reader.poll(Duration.ofMillis(250));
                assertEquals(4000, reader.embeddings(), "one committed embedding per sample over three runs, no duplicates");
                assertEquals(valid, reader.embeddedIds());
                assertEquals(bad[0], reader.deadLetters(), "one committed dead letter per bad record");
                assertEquals(bad[0], reader.deadLetterKeys().size());
                List<Long> versions = new ArrayList<>(reader.snapshotVersions());
                assertTrue(versions.size() > versionsBeforeKill, "versions advanced after the kill");
                assertEquals(LongStream.rangeClosed(1, versions.size()).boxed().toList(), versions, "versions without gap or repeat");
                assertEquals(1, reader.embeddingsBySpace().size(), "one space over every restart: " + reader.embeddingsBySpace());
                List<Long> steps = reader.snapshotSteps();
                for (int i = 1; i < steps.size(); i++) assertTrue(steps.get(i) > steps.get(i - 1), "the learner step continues: " + steps);
                List<Long> windows = reader.driftReports().stream().map(r -> r.getWindowIndex()).toList();
                assertEquals(LongStream.range(0, windows.size()).boxed().toList(), windows, "drift windows continue, each once");

                // 4. The checkpoint directory is lost: the next start continues the numbering from the snapshot topic.
                run.destroy();
                run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
                deleteRecursively(checkpoints);
                for (int i = 0; i < 8; i++) reader.poll(Duration.ofMillis(250));   // idle replay published after step 3
                versions = new ArrayList<>(reader.snapshotVersions());
                long last = versions.get(versions.size() - 1);
                produce(out, stream, 4000, 4600, valid, bad);
                run = start(args, dir.resolve("run-4.log"));
                long deadline = System.currentTimeMillis() + 180_000;
                while (reader.snapshotVersions().size() <= versions.size() + 1 && System.currentTimeMillis() < deadline) {
                    reader.poll(Duration.ofMillis(500));
                }
                run.destroyForcibly().waitFor();
                String log4 = Files.readString(dir.resolve("run-4.log"));
                assertTrue(log4.contains("warm start from encoder v" + last), "warm start named in the log:\n" + log4);
                List<Long> after = reader.snapshotVersions().subList(versions.size(), reader.snapshotVersions().size());
                assertEquals(LongStream.rangeClosed(last + 1, last + after.size()).boxed().toList(), after,
                        "a version number never names two encoders: numbering continues after v" + last);
                assertEquals(1, reader.embeddingsBySpace().size(), "the warm start continues the space: " + reader.embeddingsBySpace());
            }
        }
    }

    private static Process start(List<String> args, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Dorg.bytedeco.javacpp.cachedir="
                + Path.of("..", ".cache", "javacpp").toAbsolutePath().normalize(),
                // The CLI's own logging set-up, not the test classpath's.
                "-Dlog4j2.configurationFile=" + Path.of("target", "classes", "log4j2.properties").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"),
                "io.contrastream.pipeline.cli.Cli"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    private static void produce(SampleProducer out, SyntheticStream stream, int from, int to, Set<String> valid, int[] bad)
            throws InterruptedException {
        for (int i = from; i < to; i++) {
            SyntheticStream.Example e = stream.example(i);
            out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
            valid.add(e.id());
            if (i % 25 == 0) out.sendBytes("bad-" + i, BadRecords.make(bad[0]++, new int[] {DIM}, 11));
        }
        out.flush();
    }

    private static void await(OutputReader reader, int embeddings, Process run) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (reader.embeddedIds().size() < embeddings) {
            if (!run.isAlive()) throw new AssertionError("the run ended (exit " + run.exitValue() + ") at " + reader.embeddings() + " embeddings");
            if (System.currentTimeMillis() > deadline) throw new AssertionError("only " + reader.embeddings() + " embeddings after 3 minutes");
            reader.poll(Duration.ofMillis(500));
        }
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
