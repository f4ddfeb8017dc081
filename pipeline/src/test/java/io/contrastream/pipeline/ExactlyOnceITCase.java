package io.contrastream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.cli.Environments;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.RawRecord;
import io.contrastream.pipeline.io.RawRecordDeserializer;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.pipeline.testkit.LocalKafka;
import io.contrastream.pipeline.testkit.OutputReader;
import io.contrastream.schema.DriftReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once output through failures: the job (transactional sinks, checkpoints every 300 ms) runs on a MiniCluster
 * with two TaskManagers against a real broker, while the source throws at chosen records, one TaskManager is
 * terminated mid-stream and the broker process is killed and restarted. Every valid sample must have exactly one committed embedding, every bad record exactly one
 * dead letter, and the published encoder versions must run 1, 2, 3, ... with no gap or repeat.
 */
class ExactlyOnceITCase {

    private static final int VALID = 3000;
    private static final int BAD_EVERY = 10;
    private static final int DIM = 16;
    /** Partition@offset where the source throws, the first time it reads it. */
    private static final Set<String> FAIL_AT = Set.of("0@150", "1@450", "0@700", "1@1200");
    private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();
    private static final AtomicLong READ = new AtomicLong();
    private static LocalKafka kafka;

    /** The job's own deserializer, slowed so that checkpoints land between failures, and throwing at FAIL_AT. */
    static final class FailingDeserializer extends RawRecordDeserializer {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            String at = record.partition() + "@" + record.offset();
            if (FAIL_AT.contains(at) && FAILED.add(at)) throw new IllegalStateException("injected failure at " + at);
            READ.incrementAndGet();
            LockSupport.parkNanos(3_000_000);
            super.deserialize(record, out);
        }
    }

    private static void awaitRead(MiniCluster cluster, JobID job, long records) throws Exception {
        while (READ.get() < records && !cluster.getJobStatus(job).get().isGloballyTerminalState()) Thread.sleep(20);
    }

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = LocalKafka.start(Path.of("target", "it-kafka-eo-" + System.nanoTime()));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) kafka.close();
    }

    @Test
    void failuresLoseAndDuplicateNothing() throws Exception {
        JobConfig config = JobConfig.defaults()
                .with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(JobParams.SAMPLES_TOPIC, "eo-samples").with(JobParams.EMBEDDINGS_TOPIC, "eo-embeddings")
                .with(JobParams.DRIFT_TOPIC, "eo-drift").with(JobParams.DEAD_LETTER_TOPIC, "eo-dead")
                .with(JobParams.SNAPSHOT_TOPIC, "eo-snapshots").with(JobParams.GROUP_ID, "eo-" + System.nanoTime())
                .with(JobParams.BOUNDED, true).with(JobParams.DELIVERY, JobParams.Delivery.EXACTLY_ONCE)
                .with(JobParams.INPUT_SHAPE, new int[] {DIM}).with(JobParams.HIDDEN, new int[] {32})
                .with(JobParams.EMBEDDING_DIM, 16).with(JobParams.PROJECTION_DIM, 16)
                .with(JobParams.BATCH_SIZE, 32).with(JobParams.QUEUE_SIZE, 256).with(JobParams.SNAPSHOT_EVERY, 5)
                .with(JobParams.DRIFT_WINDOW, 200).with(JobParams.DRIFT_ALARM_LEVEL, 0.05).with(JobParams.DRIFT_PERMUTATIONS, 20)
                // ~100 stream steps: the default warm-up (a loss plateau over 2 × 50 steps) may take all of them, and
                // the test needs several versions to check their numbering across the failures
                .with(JobParams.SERVING_WARMUP_STEPS, 0).with(JobParams.SERVING_WARMUP_PLATEAU, 0.0)
                .with(JobParams.CHECKPOINT_INTERVAL_MS, 300L)
                .with(JobParams.CHECKPOINT_DIR, Path.of("target", "eo-checkpoints-" + System.nanoTime()).toAbsolutePath().toUri().toString());
        kafka.createTopics(Map.of("eo-samples", 2, "eo-embeddings", 2, "eo-drift", 1, "eo-dead", 1), Map.of());
        kafka.createTopics(Map.of("eo-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));

        Set<String> validIds = new HashSet<>();
        int bad = 0;
        SyntheticStream stream = new SyntheticStream(DIM, 4, -1, 11);
        try (SampleProducer out = new SampleProducer(config.kafkaProperties(), "eo-samples", 0)) {
            for (int i = 0; i < VALID; i++) {
                SyntheticStream.Example e = stream.example(i);
                out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
                validIds.add(e.id());
                if (i % BAD_EVERY == 0) out.sendBytes("bad-" + i, BadRecords.make(bad++, new int[] {DIM}, 11));
            }
        }

        Configuration flink = new Configuration();
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 200);   // outlasts the broker's restart
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(JobParams.CHECKPOINT_DIR));
        StreamExecutionEnvironment env = Environments.local(config, 2, flink);
        ContrastiveJob.build(env, KafkaIo.source(config, new FailingDeserializer()), ContrastiveJob.Sinks.kafka(config), config);

        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(2).setNumSlotsPerTaskManager(2).build());
        int killed = 0;
        int brokerRestarts = 0;
        try {
            cluster.start();
            JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
            // Terminate a TaskManager once the stream is well under way (and the injected failures have begun),
            // then give the cluster a fresh one: the job must fail over and continue from its last checkpoint.
            // Later, crash and restart the broker itself: the job must recover on its own once it is back.
            long total = VALID + bad;
            awaitRead(cluster, job, total / 2);
            if (!cluster.getJobStatus(job).get().isGloballyTerminalState()) {
                cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
                killed++;
                cluster.startTaskManager();
            }
            awaitRead(cluster, job, READ.get() + total / 5);
            if (!cluster.getJobStatus(job).get().isGloballyTerminalState()) {
                kafka.restart();
                brokerRestarts++;
            }
            JobResult result = cluster.requestJobResult(job).get(5, TimeUnit.MINUTES);
            assertTrue(result.isSuccess(), () -> "job failed: " + result.getSerializedThrowable());
        } finally {
            cluster.close();
        }
        assertEquals(FAIL_AT, FAILED, "every planned failure was injected");
        assertEquals(1, killed, "a TaskManager was terminated mid-stream");
        assertEquals(1, brokerRestarts, "the broker was crashed and restarted mid-stream");

        try (OutputReader reader = new OutputReader(config.kafkaProperties(), "eo-embeddings", "eo-drift", "eo-dead", "eo-snapshots")) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && (reader.embeddings() < VALID || reader.deadLetters() < bad)) {
                reader.poll(Duration.ofMillis(500));
            }
            for (int i = 0; i < 6; i++) reader.poll(Duration.ofMillis(250));   // anything extra would be a duplicate
            System.out.printf("exactly-once run: %d source failures + %d TaskManager terminated + %d broker restarts; in: %d valid + %d bad; "
                    + "out (read_committed): %d embeddings (%d distinct ids), %d dead letters (%d distinct), snapshots %s, %d drift reports%n",
                    FAILED.size(), killed, brokerRestarts, VALID, bad, reader.embeddings(), reader.embeddedIds().size(), reader.deadLetters(),
                    reader.deadLetterKeys().size(), reader.snapshotVersions(), reader.driftReports().size());

            assertEquals(VALID, reader.embeddings(), "one committed embedding per valid sample, no duplicates");
            assertEquals(validIds, reader.embeddedIds());
            assertEquals(bad, reader.deadLetters(), "one committed dead letter per bad record");
            assertEquals(bad, reader.deadLetterKeys().size());

            List<Long> versions = reader.snapshotVersions();
            assertTrue(versions.size() >= 3, "the learner published: " + versions);
            assertEquals(LongStream.rangeClosed(1, versions.size()).boxed().toList(), versions, "versions 1, 2, 3, ... without gap or repeat");
            assertTrue(reader.embeddingsByVersion().lastKey() <= versions.get(versions.size() - 1), "no embedding names an unpublished version");
            List<Long> windows = reader.driftReports().stream().map(DriftReport::getWindowIndex).toList();
            assertEquals(new HashSet<>(windows).size(), windows.size(), "each drift window reported once: " + windows);
        }
    }

    /**
     * Stop with a savepoint, restart from it with another embedding parallelism and continue: every sample embedded
     * exactly once over both runs, encoder versions continuing without gap or repeat. A savepoint restored into a job
     * with another embedding dimension is refused, naming the mismatch.
     */
    @Test
    void savepointRoundTripWithAnotherEmbeddingParallelism() throws Exception {
        String run = "sp" + System.nanoTime();
        JobConfig config = JobConfig.defaults()
                .with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(JobParams.SAMPLES_TOPIC, run + "-samples").with(JobParams.EMBEDDINGS_TOPIC, run + "-embeddings")
                .with(JobParams.DRIFT_TOPIC, run + "-drift").with(JobParams.DEAD_LETTER_TOPIC, run + "-dead")
                .with(JobParams.SNAPSHOT_TOPIC, run + "-snapshots").with(JobParams.GROUP_ID, run)
                .with(JobParams.DELIVERY, JobParams.Delivery.EXACTLY_ONCE)
                .with(JobParams.INPUT_SHAPE, new int[] {DIM}).with(JobParams.HIDDEN, new int[] {32})
                .with(JobParams.EMBEDDING_DIM, 16).with(JobParams.PROJECTION_DIM, 16)
                .with(JobParams.BATCH_SIZE, 32).with(JobParams.QUEUE_SIZE, 256).with(JobParams.SNAPSHOT_EVERY, 5)
                .with(JobParams.DRIFT_WINDOW, 200).with(JobParams.DRIFT_ALARM_LEVEL, 0.05).with(JobParams.DRIFT_PERMUTATIONS, 20)
                .with(JobParams.SERVING_WARMUP_STEPS, 0).with(JobParams.SERVING_WARMUP_PLATEAU, 0.0)   // 1,000 samples a run: serve from the first steps
                .with(JobParams.EMBED_PARALLELISM, 2).with(JobParams.CHECKPOINT_INTERVAL_MS, 300L)
                .with(JobParams.CHECKPOINT_DIR, Path.of("target", run + "-checkpoints").toAbsolutePath().toUri().toString());
        kafka.createTopics(Map.of(run + "-samples", 2, run + "-embeddings", 2, run + "-drift", 1, run + "-dead", 1), Map.of());
        kafka.createTopics(Map.of(run + "-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
        SyntheticStream stream = new SyntheticStream(DIM, 4, -1, 17);
        Set<String> ids = new HashSet<>();
        produce(config, run + "-samples", stream, 0, 1000, ids);

        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(JobParams.CHECKPOINT_DIR));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        try (OutputReader reader = new OutputReader(config.kafkaProperties(), run + "-embeddings", run + "-drift", run + "-dead", run + "-snapshots")) {
            cluster.start();
            JobID first = cluster.submitJob(graph(config, flink, null)).get().getJobID();
            await(reader, 1000);
            String savepoint = cluster.stopWithSavepoint(first, Path.of("target", run + "-savepoints").toAbsolutePath().toUri().toString(),
                    false, org.apache.flink.core.execution.SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            List<Long> firstVersions = List.copyOf(reader.snapshotVersions());

            // Incompatible: a wider embedding cannot take this learner state; the failure names the field.
            JobConfig wider = config.with(JobParams.EMBEDDING_DIM, 24);
            Configuration noRestart = new Configuration(flink);
            noRestart.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            JobID refused = cluster.submitJob(graph(wider, noRestart, savepoint)).get().getJobID();
            JobResult r = cluster.requestJobResult(refused).get(2, TimeUnit.MINUTES);
            assertTrue(!r.isSuccess(), "a savepoint of another encoder must not restore");
            String why = org.apache.flink.util.ExceptionUtils.stringifyException(
                    r.getSerializedThrowable().get().deserializeError(getClass().getClassLoader()));
            assertTrue(why.contains("embeddingDim\":16") && why.contains("embeddingDim\":24"), why);

            // Compatible: the same job at embedding parallelism 1 continues from the savepoint.
            produce(config, run + "-samples", stream, 1000, 2000, ids);
            JobID second = cluster.submitJob(graph(config.with(JobParams.EMBED_PARALLELISM, 1), flink, savepoint)).get().getJobID();
            await(reader, 2000);
            cluster.cancelJob(second).get(1, TimeUnit.MINUTES);
            for (int i = 0; i < 6; i++) reader.poll(Duration.ofMillis(250));

            System.out.printf("savepoint round trip: %d + %d samples in; %d embeddings out (%d distinct); versions %s then %s%n",
                    1000, 1000, reader.embeddings(), reader.embeddedIds().size(), firstVersions,
                    reader.snapshotVersions().subList(firstVersions.size(), reader.snapshotVersions().size()));
            assertEquals(2000, reader.embeddings(), "each sample embedded once over both runs");
            assertEquals(ids, reader.embeddedIds());
            List<Long> versions = reader.snapshotVersions();
            assertTrue(versions.size() > firstVersions.size(), "the restored learner published again");
            assertEquals(LongStream.rangeClosed(1, versions.size()).boxed().toList(), versions, "versions continue from the savepoint");
        } finally {
            cluster.close();
        }
    }

    private static org.apache.flink.streaming.api.graph.StreamGraph graph(JobConfig config, Configuration flink, String savepoint) {
        StreamExecutionEnvironment env = Environments.local(config, 2, flink);
        ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config);
        org.apache.flink.streaming.api.graph.StreamGraph g = env.getStreamGraph();
        if (savepoint != null) g.setSavepointRestoreSettings(org.apache.flink.runtime.jobgraph.SavepointRestoreSettings.forPath(savepoint));
        return g;
    }

    private static void produce(JobConfig config, String topic, SyntheticStream stream, int from, int to, Set<String> ids) throws Exception {
        try (SampleProducer out = new SampleProducer(config.kafkaProperties(), topic, 0)) {
            for (int i = from; i < to; i++) {
                SyntheticStream.Example e = stream.example(i);
                out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
                ids.add(e.id());
            }
        }
    }

    private static void await(OutputReader reader, int embeddings) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (reader.embeddedIds().size() < embeddings && System.currentTimeMillis() < deadline) reader.poll(Duration.ofMillis(300));
        assertEquals(embeddings, reader.embeddedIds().size(), "embeddings committed in time");
    }
}
