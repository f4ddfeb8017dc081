package io.contrastream.pipeline.cli;

import io.contrastream.model.eval.FeedScore;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.pipeline.ContrastiveJob;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.FloatList;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The feed as a consumer indexes it (issue 14's protocol): the first {@code --limit} training images produced into a
 * topic, the job run over them ({@code --bounded}, the given options), the embeddings topic read back as delivered,
 * then kNN-20 of the test images ({@link FeedScore}). A second phase measures the latency from a sample's produce time
 * to its embedding becoming visible to a {@code read_committed} consumer, on a paced unbounded run. Prints JSON.
 */
@Command(name = "bench-feed", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Score the embedding feed as delivered against a consistently re-embedded bank, and its latency.")
public final class FeedBenchCommand implements Callable<Integer> {

    static final List<Param<?>> PARAMS = DemoCommand.PARAMS;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    IdxSplitOptions data;

    @Option(names = "--limit", defaultValue = "30000", description = "Training images streamed (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--latency-seconds", defaultValue = "60", description = "Length of the latency phase, 0 = skip (default: ${DEFAULT-VALUE})")
    int latencySeconds;

    @Option(names = "--latency-rate", defaultValue = "100", description = "Arrival rate of the latency phase, samples/s (default: ${DEFAULT-VALUE})")
    double latencyRate;

    @Option(names = "--work-dir", defaultValue = ".data/bench-feed", description = "Broker data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Locale.setDefault(Locale.ROOT);
        LabelledSplit train = data.train();
        LabelledSplit test = data.test();
        int n = Math.min(limit, train.rows().length);
        JobConfig config = JobOptions.read(spec, PARAMS, Map.of(JobParams.INPUT_SHAPE, train.shape()));
        DemoCommand.deleteRecursively(workDir);
        try (LocalKafka kafka = LocalKafka.start(workDir.resolve("kafka"))) {
            config = config.with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            String score = quality(kafka, topics(config, "feed"), train, test, n);
            String latency = latencySeconds > 0 ? latency(kafka, topics(config, "lat"), test) : "null";
            System.out.printf("{\"mechanism\": \"%s\", \"samples\": %d, \"checkpoint_interval_ms\": %d, \"score\": %s, \"latency\": %s}%n",
                    config.get(JobParams.FEED_COMPATIBILITY).name().toLowerCase(Locale.ROOT), n,
                    config.get(JobParams.CHECKPOINT_INTERVAL_MS), score, latency);
        }
        return 0;
    }

    private static JobConfig topics(JobConfig c, String prefix) {
        return c.with(JobParams.SAMPLES_TOPIC, prefix + "-samples").with(JobParams.EMBEDDINGS_TOPIC, prefix + "-embeddings")
                .with(JobParams.DRIFT_TOPIC, prefix + "-drift").with(JobParams.DEAD_LETTER_TOPIC, prefix + "-dead")
                .with(JobParams.SNAPSHOT_TOPIC, prefix + "-snapshots").with(JobParams.GROUP_ID, prefix);
    }

    private static void createTopics(LocalKafka kafka, JobConfig c) {
        kafka.createTopics(Map.of(c.get(JobParams.SAMPLES_TOPIC), 2, c.get(JobParams.EMBEDDINGS_TOPIC), 2,
                c.get(JobParams.DRIFT_TOPIC), 1, c.get(JobParams.DEAD_LETTER_TOPIC), 1), Map.of());
        kafka.createTopics(Map.of(c.get(JobParams.SNAPSHOT_TOPIC), 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
    }

    /** Phase 1: the whole bounded run, then the feed read back as delivered and scored. */
    private String quality(LocalKafka kafka, JobConfig c, LabelledSplit train, LabelledSplit test, int n) throws Exception {
        createTopics(kafka, c);
        Map<String, Integer> row = new HashMap<>();
        Progress produced = new Progress("produce", n);
        try (SampleProducer out = new SampleProducer(c.kafkaProperties(), c.get(JobParams.SAMPLES_TOPIC), 0)) {
            for (int i = 0; i < n; i++) {
                out.send(SampleProducer.sample("train:" + i, System.currentTimeMillis(), train.shape(), train.rows()[i], train.labels()[i]));
                row.put("train:" + i, i);
                produced.update(i + 1);
            }
        }
        produced.finish(n);
        long start = System.currentTimeMillis();
        StreamExecutionEnvironment env = Environments.local(c.with(JobParams.BOUNDED, true), c.get(JobParams.PARALLELISM));
        ContrastiveJob.build(env, KafkaIo.source(c.with(JobParams.BOUNDED, true)), ContrastiveJob.Sinks.kafka(c), c);
        env.execute("contrastream-bench-feed");
        System.err.printf("job ran over %,d images in %.0f s%n", n, (System.currentTimeMillis() - start) / 1000.0);

        float[][] feed = new float[n][];
        int[] feedVersion = new int[n];
        List<ServingSpace.Served> served = new ArrayList<>();
        try (OutputReader reader = new OutputReader(c.kafkaProperties(), c.get(JobParams.EMBEDDINGS_TOPIC), c.get(JobParams.DRIFT_TOPIC),
                c.get(JobParams.DEAD_LETTER_TOPIC), c.get(JobParams.SNAPSHOT_TOPIC)).keepEmbeddings()) {
            long deadline = System.currentTimeMillis() + 120_000;
            Progress readBack = new Progress("read back", n);
            while (reader.embeddedIds().size() < n && System.currentTimeMillis() < deadline) {
                reader.poll(Duration.ofMillis(500));
                readBack.update(reader.embeddedIds().size());
            }
            readBack.finish(reader.embeddedIds().size());
            // Snapshots are large and read more slowly than embeddings: wait for every version an embedding names.
            java.util.Set<Long> named = new java.util.HashSet<>();
            for (Embedding e : reader.lastEmbeddings().values()) named.add(e.getEncoderVersion());
            while (!reader.snapshotVersions().containsAll(named) && System.currentTimeMillis() < deadline + 120_000) {
                reader.poll(Duration.ofMillis(250));
            }
            named.removeAll(reader.snapshotVersions());
            if (!named.isEmpty()) throw new IllegalStateException("embeddings name versions " + named + " that the snapshot topic does not hold");
            Map<Long, Integer> index = new HashMap<>();
            for (long v : reader.snapshotVersions()) {
                EncoderSnapshot s = SnapshotTopic.find(c.kafkaProperties(), c.get(JobParams.SNAPSHOT_TOPIC), v);
                index.put(v, served.size());
                served.add(new ServingSpace.Served(Snapshots.fromAvro(s), Snapshots.alignment(s), s.getSpaceId()));
            }
            for (Embedding e : reader.lastEmbeddings().values()) {
                int i = row.get(e.getSampleId());
                feed[i] = FloatList.toArray(e.getVector());
                feedVersion[i] = index.get(e.getEncoderVersion());
            }
            System.err.printf("read %,d embeddings of %d versions in spaces %s%n", reader.embeddings(), served.size(), reader.embeddingsBySpace());
        }
        float[][] rows = Arrays.copyOf(train.rows(), n);
        int[] labels = Arrays.copyOf(train.labels(), n);
        return FeedScore.score(served, rows, labels, test.rows(), test.labels(), feed, feedVersion, 10).json();
    }

    /**
     * Phase 2: a paced unbounded run; each embedding's latency is the time a {@code read_committed} consumer first sees
     * it minus its sample's produce time (the sample's event time, set when it was sent). Steady state only: samples
     * sent before the first embedding became visible (the serving warm-up and its backlog) and in the 10 s after it
     * are left out; then {@code --latency-seconds} are measured.
     */
    private String latency(LocalKafka kafka, JobConfig c, LabelledSplit data) throws Exception {
        createTopics(kafka, c);
        StreamExecutionEnvironment env = Environments.local(c, c.get(JobParams.PARALLELISM));
        ContrastiveJob.build(env, KafkaIo.source(c), ContrastiveJob.Sinks.kafka(c), c);
        JobClient job = env.executeAsync("contrastream-bench-feed-latency");
        List<Long> latencies = new ArrayList<>();
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};   // {from, to}: produce times measured, set at the first embedding
        long giveUp = System.currentTimeMillis() + 600_000;
        AvroCodec.init();
        Properties p = c.kafkaProperties();
        p.setProperty("group.id", "bench-feed-latency");
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             SampleProducer out = new SampleProducer(c.kafkaProperties(), c.get(JobParams.SAMPLES_TOPIC), latencyRate)) {
            consumer.subscribe(List.of(c.get(JobParams.EMBEDDINGS_TOPIC)));
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; System.currentTimeMillis() < Math.min(window[1], giveUp); i++) {
                        int k = i % data.rows().length;
                        out.send(SampleProducer.sample("lat:" + i, System.currentTimeMillis(), data.shape(), data.rows()[k], data.labels()[k]));
                    }
                    out.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-feed-producer");
            producer.start();
            while (System.currentTimeMillis() < giveUp && (window[1] == Long.MAX_VALUE || System.currentTimeMillis() < window[1] + 15_000)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long seen = System.currentTimeMillis();
                    if (window[0] == Long.MAX_VALUE) {
                        window[1] = seen + 10_000 + latencySeconds * 1000L;
                        window[0] = seen + 10_000;
                        System.err.printf("first embedding visible; measuring samples produced from +10 s for %d s%n", latencySeconds);
                    }
                    long sent = AvroCodec.decode(Embedding.class, r.value()).getEventTime().toEpochMilli();
                    if (sent >= window[0] && sent < window[1]) latencies.add(seen - sent);
                }
            }
            producer.join();
        } finally {
            job.cancel().get();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) return "{\"samples\": 0}";
        return String.format(Locale.ROOT, "{\"rate\": %.0f, \"samples\": %d, \"p50_ms\": %d, \"p99_ms\": %d, \"max_ms\": %d}", latencyRate,
                sorted.length, sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
                sorted[sorted.length - 1]);
    }
}
