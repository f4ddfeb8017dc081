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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The job jar on a real multi-process Flink cluster (issue 7): a standalone session cluster (a JobManager and two
 * TaskManagers, each its own JVM) and a Kafka broker process; the jar built by {@code mvn package} is uploaded and run
 * through the REST API with the embed stage at parallelism 2. Half the stream goes in, the TaskManager that runs the learner
 * (found through the REST API, so the kill always forces a failover) is killed
 * (SIGKILL) and a fresh one started, the other half goes in; the committed output must hold every valid sample's
 * embedding and every bad record's dead letter exactly once, and the TaskManagers' Prometheus endpoints must show the
 * job's own metrics.
 */
class ClusterITCase {

    static final int DIM = 16;
    static final int VALID = 3000;
    static final int BAD_EVERY = 10;
    static final int PROMETHEUS_FROM = 19250;
    static final int PROMETHEUS_TO = 19270;

    @Test
    void theJobJarRunsOnAStandaloneClusterAndSurvivesLosingATaskManager() throws Exception {
        Path jar = Path.of("target", "contrastream-pipeline-job.jar");
        assertTrue(Files.exists(jar), "the build makes the job jar (mvn package) before the integration tests");
        Path dir = Path.of("target", "it-cluster-" + System.nanoTime()).toAbsolutePath();
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"));
             StandaloneFlink flink = StandaloneFlink.start(dir.resolve("flink"), 2, Map.of(
                     "taskmanager.numberOfTaskSlots", "2",
                     "cluster.evenly-spread-out-slots", "true",
                     "heartbeat.interval", "1000", "heartbeat.timeout", "6000",
                     "restart-strategy.type", "fixed-delay", "restart-strategy.fixed-delay.attempts", "50",
                     "restart-strategy.fixed-delay.delay", "2 s",
                     "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                     "metrics.reporter.prom.port", PROMETHEUS_FROM + "-" + PROMETHEUS_TO))) {
            kafka.createTopics(Map.of("cl-samples", 2, "cl-embeddings", 2, "cl-drift", 1, "cl-dead", 1), Map.of());
            kafka.createTopics(Map.of("cl-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
            List<String> args = List.of("--bootstrap-servers", kafka.bootstrapServers(),
                    "--samples-topic", "cl-samples", "--embeddings-topic", "cl-embeddings", "--drift-topic", "cl-drift",
                    "--dead-letter-topic", "cl-dead", "--snapshot-topic", "cl-snapshots", "--group-id", "cl-" + System.nanoTime(),
                    "--input-shape", Integer.toString(DIM), "--hidden", "32", "--embedding-dim", "16", "--projection-dim", "16",
                    "--batch-size", "32", "--queue-size", "256", "--snapshot-every", "5", "--drift-window", "500",
                    "--parallelism", "2", "--embed-parallelism", "2", "--checkpoint-interval-ms", "1000",
                    "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString());

            Set<String> validIds = new HashSet<>();
            int[] bad = {0};
            SyntheticStream stream = new SyntheticStream(DIM, 4, -1, 5);
            String jarId = flink.uploadJar(jar);
            String job = flink.runJar(jarId, "io.contrastream.pipeline.cli.JobMain", args);
            try (SampleProducer out = new SampleProducer(kafka.clientProperties(), "cl-samples", 0);
                 OutputReader reader = new OutputReader(kafka.clientProperties(), "cl-embeddings", "cl-drift", "cl-dead", "cl-snapshots")) {
                produce(out, stream, 0, VALID / 2, validIds, bad);
                awaitOutput(flink, job, reader, VALID / 4, 0, "the first half");
                assertEquals("RUNNING", flink.jobStatus(job));

                // The learner's TaskManager, found through the REST API: a TaskManager that held no task would not fail the job over.
                int learnerTm = flink.taskManagerRunning(job, "learner");
                assertTrue(learnerTm >= 0, "the learner is one subtask, so one TaskManager runs it");
                flink.killTaskManager(learnerTm);   // like a lost machine: SIGKILL, no goodbye
                flink.startTaskManager();
                produce(out, stream, VALID / 2, VALID, validIds, bad);
                awaitOutput(flink, job, reader, VALID, bad[0], "after losing a TaskManager");
                for (int i = 0; i < 8; i++) reader.poll(Duration.ofMillis(250));   // anything more would be a duplicate

                List<String> failures = flink.failures(job);
                Map<String, Double> metrics = scrapeJobMetrics(flink);
                System.out.printf("cluster run: in %d valid + %d bad, 1 TaskManager killed and replaced; out (read_committed) "
                        + "%d embeddings (%d distinct), %d dead letters (%d distinct), snapshots v%s, failures %s; scraped %s%n", VALID, bad[0],
                        reader.embeddings(), reader.embeddedIds().size(), reader.deadLetters(), reader.deadLetterKeys().size(),
                        reader.snapshotVersions().isEmpty() ? "-" : reader.snapshotVersions().get(reader.snapshotVersions().size() - 1), failures, metrics);
                flink.cancel(job);

                assertTrue(!failures.isEmpty(), "the job failed over when its TaskManager died; exception history: " + failures);
                assertEquals(VALID, reader.embeddings(), "one committed embedding per valid sample, no duplicates");
                assertEquals(validIds, reader.embeddedIds());
                assertEquals(bad[0], reader.deadLetters(), "one committed dead letter per bad record");
                assertEquals(bad[0], reader.deadLetterKeys().size());
                List<Long> versions = reader.snapshotVersions();
                assertEquals(LongStream.rangeClosed(1, versions.size()).boxed().toList(), versions, "versions without gap or repeat");

                assertTrue(metrics.getOrDefault("contrastream_learner_step", 0.0) > 10, "learner step scraped: " + metrics);
                assertTrue(metrics.getOrDefault("contrastream_learner_encoder_version", 0.0) >= 1, "encoder version scraped: " + metrics);
                double loss = metrics.getOrDefault("contrastream_learner_loss", Double.NaN);
                assertTrue(loss > 0 && loss < 20, "a plausible InfoNCE loss scraped: " + loss);
                assertTrue(metrics.getOrDefault("contrastream_decode_dead_letters", 0.0) >= 1, "dead letters counted: " + metrics);
                assertTrue(metrics.getOrDefault("contrastream_drift_windows", 0.0) >= 1, "drift windows counted: " + metrics);
            } catch (AssertionError | Exception e) {
                System.err.println("JobManager log tail:\n" + flink.logTail("jobmanager", 60));
                throw e;
            }
        }
    }

    private static void produce(SampleProducer out, SyntheticStream stream, int from, int to, Set<String> validIds, int[] bad)
            throws InterruptedException {
        for (int i = from; i < to; i++) {
            SyntheticStream.Example e = stream.example(i);
            out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
            validIds.add(e.id());
            if (i % BAD_EVERY == 0) out.sendBytes("bad-" + i, BadRecords.make(bad[0]++, new int[] {DIM}, 5));
        }
        out.flush();
    }

    private static void awaitOutput(StandaloneFlink flink, String job, OutputReader reader, int embeddings, int deadLetters, String what)
            throws Exception {
        long deadline = System.currentTimeMillis() + 240_000;
        while (reader.embeddings() < embeddings || reader.deadLetters() < deadLetters) {
            String status = flink.jobStatus(job);
            if (status.equals("FAILED") || status.equals("CANCELED")) throw new AssertionError("job " + status + " " + what);
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what + ": only " + reader.embeddings() + " embeddings and " + reader.deadLetters()
                        + " dead letters after 4 minutes (job " + status + ")");
            }
            reader.poll(Duration.ofMillis(500));
        }
    }

    /** The job's own metrics from every TaskManager's Prometheus endpoint, summed over subtasks (max for gauges of one). */
    static Map<String, Double> scrapeJobMetrics(StandaloneFlink flink) {
        Map<String, Double> out = new java.util.TreeMap<>();
        Pattern line = Pattern.compile("^flink_taskmanager_job_task_operator_(contrastream_[a-z_]+)\\{[^}]*\\}\\s+(\\S+)$", Pattern.MULTILINE);
        List<String> names = new ArrayList<>(List.of("contrastream_learner_step", "contrastream_learner_loss",
                "contrastream_learner_encoder_version", "contrastream_decode_dead_letters", "contrastream_drift_windows"));
        for (int port = PROMETHEUS_FROM; port <= PROMETHEUS_TO; port++) {
            String body = flink.fetch("http://localhost:" + port + "/metrics");
            if (body == null) continue;
            Matcher m = line.matcher(body);
            while (m.find()) {
                if (!names.contains(m.group(1))) continue;
                double v = Double.parseDouble(m.group(2));
                if (Double.isNaN(v)) continue;
                boolean counter = m.group(1).endsWith("dead_letters");
                out.merge(m.group(1), v, counter ? Double::sum : Math::max);
            }
        }
        return out;
    }
}
