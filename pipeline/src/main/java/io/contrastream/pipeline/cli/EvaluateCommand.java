package io.contrastream.pipeline.cli;

import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.SnapshotTopic;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.schema.EncoderSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Scores an encoder snapshot (frozen) on a labelled train/test split, next to raw pixels and a random encoder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate an encoder snapshot on labelled IDX train/test splits: kNN-200, kNN-20 and linear probe, "
                + "for the snapshot, raw pixels and a random encoder of the same architecture. Prints one JSON object.")
public final class EvaluateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--snapshot", description = "Encoder snapshot file (Avro EncoderSnapshot, as bench-quality writes it)")
    Path snapshotFile;

    @Option(names = "--bootstrap-servers", description = "Instead of --snapshot: read the newest snapshot from this Kafka cluster")
    String bootstrapServers;

    @Option(names = "--snapshot-topic", defaultValue = "encoder-snapshots", description = "Topic of encoder snapshots (default: ${DEFAULT-VALUE})")
    String snapshotTopic;

    @Option(names = "--kafka-properties", defaultValue = "", description = "Extra Kafka client properties, key=value;key=value (e.g. SASL/SSL)")
    String kafkaProperties;

    @CommandLine.Mixin
    IdxSplitOptions data;

    @Option(names = "--probe-epochs", defaultValue = "30", description = "Linear-probe epochs, 1..1000 (default: ${DEFAULT-VALUE})")
    int probeEpochs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the linear probe (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        Locale.setDefault(Locale.ROOT);
        if ((snapshotFile == null) == (bootstrapServers == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --snapshot FILE or --bootstrap-servers HOST:PORT");
        }
        if (probeEpochs < 1 || probeEpochs > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--probe-epochs must be in 1..1000, got " + probeEpochs);
        }
        Snapshot snapshot = snapshotFile != null ? readFile(snapshotFile) : newestOnTopic();
        LabelledSplit train = data.train();
        LabelledSplit test = data.test();
        System.out.println(LabelledSplit.evaluate(snapshot, train, test, probeEpochs, seed));
        return 0;
    }

    static Snapshot readFile(Path file) throws java.io.IOException {
        AvroCodec.init();
        return Snapshots.fromAvro(AvroCodec.decode(EncoderSnapshot.class, Files.readAllBytes(file)));
    }

    static void writeFile(EncoderSnapshot snapshot, Path file) throws java.io.IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, AvroCodec.encode(snapshot));
    }

    /** The newest snapshot on the topic, read back past the commit markers of an exactly-once writer. */
    private Snapshot newestOnTopic() {
        Properties p = JobConfig.parseKafkaProperties(kafkaProperties);
        p.setProperty("bootstrap.servers", bootstrapServers);
        EncoderSnapshot newest = SnapshotTopic.newest(p, snapshotTopic);
        if (newest == null) throw new IllegalStateException("no encoder snapshot on topic " + snapshotTopic + " at " + bootstrapServers);
        return Snapshots.fromAvro(newest);
    }
}
