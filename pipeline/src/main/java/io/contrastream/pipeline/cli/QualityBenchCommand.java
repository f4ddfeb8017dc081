package io.contrastream.pipeline.cli;

import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.ContrastiveJob;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.pipeline.local.LocalKafka;
import io.contrastream.pipeline.local.OutputReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One pass of a labelled IDX dataset through the whole pipeline (real broker, MiniCluster), then the frozen-feature
 * evaluation of the newest encoder snapshot against raw pixels and a random encoder of the same architecture:
 * kNN-200, kNN-20 and a linear probe on the test split. Prints one JSON object.
 */
@Command(name = "bench-quality", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stream a labelled IDX train split through the job once, then evaluate the encoder on the test split.")
public final class QualityBenchCommand implements Callable<Integer> {

    static final List<Param<?>> PARAMS = DemoCommand.PARAMS;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    IdxSplitOptions data;

    @Option(names = "--rate", defaultValue = "100", description = "Arrival rate, samples/s; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--limit", description = "Stream only the first N training images")
    Integer limit;

    @Option(names = "--probe-epochs", defaultValue = "30", description = "Linear-probe epochs (default: ${DEFAULT-VALUE})")
    int probeEpochs;

    @Option(names = "--work-dir", defaultValue = ".data/bench-quality", description = "Broker data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Locale.setDefault(Locale.ROOT);
        LabelledSplit train = data.train();
        LabelledSplit test = data.test();
        int n = limit == null ? train.rows().length : Math.min(limit, train.rows().length);
        JobConfig config = JobOptions.read(spec, PARAMS, Map.of(JobParams.INPUT_SHAPE, train.shape()));   // the data's shape, unless given

        DemoCommand.deleteRecursively(workDir);
        long start = System.currentTimeMillis();
        Snapshot snapshot;
        try (LocalKafka kafka = LocalKafka.start(workDir.resolve("kafka"))) {
            config = config.with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            kafka.createTopics(Map.of(config.get(JobParams.SAMPLES_TOPIC), 2, config.get(JobParams.EMBEDDINGS_TOPIC), 2,
                    config.get(JobParams.DRIFT_TOPIC), 1, config.get(JobParams.DEAD_LETTER_TOPIC), 1), Map.of());
            kafka.createTopics(Map.of(config.get(JobParams.SNAPSHOT_TOPIC), 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
            StreamExecutionEnvironment env = Environments.local(config, config.get(JobParams.PARALLELISM));
            ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config);
            JobClient job = env.executeAsync("contrastream-bench-quality");
            try (SampleProducer out = new SampleProducer(config.kafkaProperties(), config.get(JobParams.SAMPLES_TOPIC), rate);
                 OutputReader reader = new OutputReader(config.kafkaProperties(), config.get(JobParams.EMBEDDINGS_TOPIC),
                         config.get(JobParams.DRIFT_TOPIC), config.get(JobParams.DEAD_LETTER_TOPIC), config.get(JobParams.SNAPSHOT_TOPIC))) {
                String name = data.trainImages.getFileName().toString();
                Progress sent = new Progress("stream", n);
                for (int i = 0; i < n; i++) {
                    out.send(SampleProducer.sample(name + ":" + i, System.currentTimeMillis(), train.shape(), train.rows()[i], train.labels()[i]));
                    if (i % 1000 == 0) reader.poll(Duration.ZERO);
                    sent.update(i + 1);
                }
                sent.finish(n);
                out.close();
                long deadline = System.currentTimeMillis() + 3_600_000L;
                Progress embedded = new Progress("embedded", n);
                while (reader.embeddedIds().size() < n && System.currentTimeMillis() < deadline) {
                    reader.poll(Duration.ofMillis(500));
                    embedded.update(reader.embeddedIds().size());
                }
                embedded.finish(reader.embeddedIds().size());
                // The learner publishes within --snapshot-interval-ms of its last step, and replays for a while after
                // the last batch: the encoder is final once no newer snapshot came for longer than that interval.
                long quiet = config.get(JobParams.SNAPSHOT_INTERVAL_MS) + 3_000;
                long lastVersion = -1;
                long changedAt = System.currentTimeMillis();
                while (System.currentTimeMillis() - changedAt < quiet && System.currentTimeMillis() < deadline) {
                    reader.poll(Duration.ofMillis(500));
                    long v = reader.newestSnapshot() == null ? -1 : reader.newestSnapshot().getVersion();
                    if (v != lastVersion) {
                        lastVersion = v;
                        changedAt = System.currentTimeMillis();
                    }
                }
                snapshot = Snapshots.fromAvro(reader.newestSnapshot());
                System.err.printf("streamed %,d images in %.0f s; newest encoder v%d at step %d%n", n,
                        (System.currentTimeMillis() - start) / 1000.0, snapshot.version(), snapshot.step());
            }
            job.cancel().get();
        }
        double wall = (System.currentTimeMillis() - start) / 1000.0;
        Path saved = workDir.resolve("encoder-snapshot.avro");
        EvaluateCommand.writeFile(Snapshots.toAvro(snapshot), saved);
        System.err.println("newest snapshot saved to " + saved + " (contrastream evaluate --snapshot " + saved + ")");
        String scores = LabelledSplit.evaluate(snapshot, train, test, probeEpochs, 1);
        System.out.printf("{\"samples\": %d, \"wall_seconds\": %.1f, \"samples_per_s\": %.1f, \"arrival_rate\": %s, "
                + "\"replay_ratio\": %s, \"evaluation\": %s}%n", n, wall, n / wall, rate, config.get(JobParams.REPLAY_RATIO), scores);
        return 0;
    }
}
