package io.contrastream.tools.cli;

import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.cli.EvaluateCommand;
import io.contrastream.pipeline.cli.LabelledSplit;
import io.contrastream.pipeline.cli.Progress;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.pipeline.testkit.OutputReader;
import io.contrastream.tools.local.LocalRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * One pass of a labelled IDX dataset through the whole pipeline (real broker, MiniCluster), then the frozen-feature
 * evaluation of the newest encoder snapshot against raw pixels and a random encoder of the same architecture:
 * kNN-200, kNN-20 and a linear probe on the test split. Prints one JSON object.
 */
@Command(name = "bench-quality", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stream a labelled IDX train split through the job once, then evaluate the encoder on the test split.")
public final class QualityBenchCommand implements Callable<Integer> {

    @CommandLine.Mixin
    LabelledBench bench;

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
        LabelledBench.Setup setup = bench.read();
        LabelledSplit train = setup.train();
        LabelledSplit test = setup.test();
        int n = limit == null ? train.rows().length : Math.min(limit, train.rows().length);
        JobConfig config = setup.config();

        long start = System.currentTimeMillis();
        Snapshot snapshot;
        try (LocalRun local = LocalRun.start(workDir)) {
            config = local.connect(config);
            local.createTopics(config, Map.of());
            local.startJob(config, "contrastream-bench-quality");
            try (SampleProducer out = new SampleProducer(config.kafkaProperties(), config.get(JobParams.SAMPLES_TOPIC), rate);
                 OutputReader reader = new OutputReader(config.kafkaProperties(), config.get(JobParams.EMBEDDINGS_TOPIC),
                         config.get(JobParams.DRIFT_TOPIC), config.get(JobParams.DEAD_LETTER_TOPIC), config.get(JobParams.SNAPSHOT_TOPIC))) {
                String name = bench.data.trainImages().getFileName().toString();
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
