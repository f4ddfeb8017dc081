package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SnapshotTopic;
import io.contrastream.pipeline.reembed.ReembedJob;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Re-embeds every retained sample of the samples topic with one chosen encoder version into a topic of the user's
 * choice: a blue/green re-index. A bounded job, exactly-once (a rerun of the same command resumes from its committed
 * offsets), with progress on a terminal.
 */
@Command(name = "reembed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Re-embed the retained samples of a topic with one encoder version into another topic (a blue/green re-index).")
public final class ReembedCommand implements Callable<Integer> {

    /** The job options that apply: Kafka, input, embedding and runtime. */
    static final List<Param<?>> PARAMS = List.of(JobParams.BOOTSTRAP_SERVERS, JobParams.SAMPLES_TOPIC, JobParams.SNAPSHOT_TOPIC,
            JobParams.GROUP_ID, JobParams.KAFKA_PROPERTIES, JobParams.DELIVERY, JobParams.INPUT_SHAPE, JobParams.EMBED_BATCH,
            JobParams.EMBED_MAX_DELAY_MS, JobParams.PARALLELISM, JobParams.EMBED_PARALLELISM, JobParams.CHECKPOINT_INTERVAL_MS,
            JobParams.CHECKPOINT_DIR);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--output-topic", required = true, description = "Topic to write the Embedding records to (created if missing)")
    String outputTopic;

    @Option(names = "--version", defaultValue = "-1", description = "Encoder version to embed with, from the snapshot topic (default: the newest)")
    long version;

    @Override
    public Integer call() throws Exception {
        JobConfig c = JobOptions.read(spec, PARAMS, Map.of());
        if (c.get(JobParams.SNAPSHOT_TOPIC).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--snapshot-topic: an encoder version comes from the snapshot topic; expected a topic name");
        }
        if (outputTopic.equals(c.get(JobParams.SAMPLES_TOPIC))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--output-topic: '" + outputTopic + "' is the samples topic; expected another topic");
        }
        EncoderSnapshot encoder = SnapshotTopic.find(c.kafkaProperties(), c.get(JobParams.SNAPSHOT_TOPIC), version);
        if (encoder == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--version: " + (version < 0 ? "no snapshot" : "no snapshot of version " + version)
                    + " on topic " + c.get(JobParams.SNAPSHOT_TOPIC));
        }
        // Its own consumer group and transactions: a rerun of the same re-index resumes; another one starts afresh.
        String group = c.get(JobParams.GROUP_ID) + "-reembed-" + outputTopic + "-v" + encoder.getVersion();
        JobConfig job = c.with(JobParams.GROUP_ID, group).with(JobParams.EMBEDDINGS_TOPIC, outputTopic)
                .with(JobParams.BOUNDED, true).with(JobParams.START_FROM, JobParams.StartFrom.EARLIEST);

        try (Admin admin = Admin.create(c.kafkaProperties())) {
            Map<TopicPartition, Long> end = endOffsets(admin, c.get(JobParams.SAMPLES_TOPIC));
            createIfMissing(admin, outputTopic, end.size());
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            System.err.printf("re-embedding the samples of %s (offsets up to %,d) with encoder v%d (space %s) into %s%n",
                    c.get(JobParams.SAMPLES_TOPIC), total, encoder.getVersion(), encoder.getSpaceId(), outputTopic);
            StreamExecutionEnvironment env = Environments.create(job);
            ReembedJob.build(env, KafkaIo.source(job), encoder, KafkaIo.embeddings(job), job);
            JobClient client = env.executeAsync("contrastream-reembed-v" + encoder.getVersion());
            Progress progress = new Progress("re-embed", total);
            while (!client.getJobExecutionResult().isDone()) {
                progress.update(committed(admin, group, end));
                Thread.sleep(500);
            }
            client.getJobExecutionResult().get();   // rethrows a failure; success means every offset up to the end was read
            progress.finish(total);
            System.err.printf("re-embedded the samples of %,d offsets with encoder v%d into %s%n", total, encoder.getVersion(), outputTopic);
        }
        return 0;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Set<TopicPartition> parts = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get();
        return ends.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Offsets the job has committed with its checkpoints, summed over the partitions (each capped at its end). */
    private static long committed(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata o = offsets.get(e.getKey());
            if (o != null) sum += Math.min(o.offset(), e.getValue());
        }
        return sum;
    }

    private static void createIfMissing(Admin admin, String topic, int partitions) throws Exception {
        if (admin.listTopics().names().get().contains(topic)) return;
        try {
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(Math.max(1, partitions)), java.util.Optional.empty()))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) throw e;
        }
    }
}
