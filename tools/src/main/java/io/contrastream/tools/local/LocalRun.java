package io.contrastream.tools.local;

import io.contrastream.pipeline.ContrastiveJob;
import io.contrastream.pipeline.cli.Environments;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.testkit.LocalKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job run locally, as the demo and the bench commands run it: a fresh Kafka broker (a child process), the topics
 * a configuration names, the job on a MiniCluster; {@link #close} stops the job, if it still runs, and the broker.
 */
public final class LocalRun implements AutoCloseable {

    private final LocalKafka kafka;
    private JobClient job;

    private LocalRun(LocalKafka kafka) {
        this.kafka = kafka;
    }

    /** Removes what an earlier run left in {@code workDir}, so each run starts empty, and starts a broker with its data there. */
    public static LocalRun start(Path workDir) throws IOException, InterruptedException {
        if (Files.exists(workDir)) {
            try (var paths = Files.walk(workDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return new LocalRun(LocalKafka.start(workDir.resolve("kafka")));
    }

    public LocalKafka kafka() {
        return kafka;
    }

    /** The configuration pointed at this broker. */
    public JobConfig connect(JobConfig c) {
        return c.with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    }

    /**
     * Creates the topics {@code c} names: samples and embeddings with two partitions and {@code dataTopicConfig}, drift
     * and dead letters with one, and the snapshot topic, unless it is empty, with one and room for a snapshot.
     */
    public void createTopics(JobConfig c, Map<String, String> dataTopicConfig) {
        kafka.createTopics(Map.of(c.get(JobParams.SAMPLES_TOPIC), 2, c.get(JobParams.EMBEDDINGS_TOPIC), 2), dataTopicConfig);
        kafka.createTopics(Map.of(c.get(JobParams.DRIFT_TOPIC), 1, c.get(JobParams.DEAD_LETTER_TOPIC), 1), Map.of());
        if (!c.get(JobParams.SNAPSHOT_TOPIC).isEmpty()) {
            kafka.createTopics(Map.of(c.get(JobParams.SNAPSHOT_TOPIC), 1),
                    Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
        }
    }

    /** Starts the job on a MiniCluster at {@code --parallelism}; {@link #stopJob} or {@link #close} cancels it. */
    public JobClient startJob(JobConfig c, String name) throws Exception {
        if (job != null) throw new IllegalStateException("a job already runs here; stop it first");
        StreamExecutionEnvironment env = Environments.local(c, c.get(JobParams.PARALLELISM));
        ContrastiveJob.build(env, KafkaIo.source(c), ContrastiveJob.Sinks.kafka(c), c);
        job = env.executeAsync(name);
        return job;
    }

    /** Runs the job over what the samples topic holds now ({@code --bounded}) and returns when it has finished. */
    public void runBounded(JobConfig c, String name) throws Exception {
        JobConfig bounded = c.with(JobParams.BOUNDED, true);
        StreamExecutionEnvironment env = Environments.local(bounded, c.get(JobParams.PARALLELISM));
        ContrastiveJob.build(env, KafkaIo.source(bounded), ContrastiveJob.Sinks.kafka(c), c);
        env.execute(name);
    }

    /** Cancels the job {@link #startJob} started and waits for it, unless it has already ended (e.g. failed). */
    public void stopJob() throws Exception {
        JobClient running = job;
        job = null;
        if (running != null && !running.getJobExecutionResult().isDone()) running.cancel().get();
    }

    @Override
    public void close() throws Exception {
        try {
            stopJob();
        } finally {
            kafka.close();
        }
    }
}
