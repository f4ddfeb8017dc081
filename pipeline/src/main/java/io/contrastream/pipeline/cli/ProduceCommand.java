package io.contrastream.pipeline.cli;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.io.SampleProducer;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Streams a dataset file (CSV) or the generated dataset into a samples topic, in order, optionally paced. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stream a CSV file (one sample per line) or the generated dataset into the samples topic.")
public final class ProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})", defaultValue = "localhost:9092")
    String bootstrap;

    @Option(names = "--topic", description = "Samples topic (default: ${DEFAULT-VALUE})", defaultValue = "samples")
    String topic;

    @Option(names = "--csv", description = "CSV file: numeric columns, one sample per line; '#' lines and a non-numeric header are skipped")
    Path csv;

    @Option(names = "--label-column", description = "CSV column holding an integer label: an index from 0, 'last', or 'none' (default: ${DEFAULT-VALUE})", defaultValue = "none")
    String labelColumn;

    @Option(names = "--synthetic", description = "Instead of a file, stream N generated samples with a shift half-way")
    Integer synthetic;

    @Option(names = "--dim", description = "Features of generated samples (default: ${DEFAULT-VALUE})", defaultValue = "32")
    int dim;

    @Option(names = "--seed", description = "Seed of the generated data (default: ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Option(names = "--rate", description = "Samples per second; 0 = as fast as possible (default: ${DEFAULT-VALUE})", defaultValue = "0")
    double rate;

    @Option(names = "--kafka-properties", description = "Extra Kafka client properties, k=v;k=v (security settings)", defaultValue = "")
    String kafkaProperties;

    @Override
    public Integer call() throws Exception {
        if ((csv == null) == (synthetic == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --csv FILE or --synthetic N");
        }
        if (rate < 0 || !Double.isFinite(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate: '" + rate + "' is not allowed; expected a number >= 0");
        }
        Properties props;
        try {
            props = JobConfig.parseKafkaProperties(kafkaProperties);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        props.setProperty("bootstrap.servers", bootstrap);
        long start = System.currentTimeMillis();
        try (SampleProducer out = new SampleProducer(props, topic, rate)) {
            if (synthetic != null) {
                if (synthetic < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--synthetic: expected N >= 1");
                SyntheticStream s = new SyntheticStream(dim, 8, synthetic / 2, seed);
                for (int i = 0; i < synthetic; i++) {
                    SyntheticStream.Example e = s.example(i);
                    out.send(SampleProducer.sample(e.id(), System.currentTimeMillis(), new int[] {dim}, e.values(), e.label()));
                }
            } else {
                produceCsv(out);
            }
            System.out.printf("sent %,d samples to %s in %.1f s%n", out.sent(), topic, (System.currentTimeMillis() - start) / 1000.0);
        }
        return 0;
    }

    private void produceCsv(SampleProducer out) throws Exception {
        String name = csv.getFileName().toString();
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] cols = line.split(",");
                int label = switch (labelColumn) {
                    case "none" -> -1;
                    case "last" -> cols.length - 1;
                    default -> Integer.parseInt(labelColumn);
                };
                double[] parsed;
                try {
                    parsed = Arrays.stream(cols).mapToDouble(c -> Double.parseDouble(c.trim())).toArray();
                } catch (NumberFormatException e) {
                    if (lineNo == 1) continue;   // a header
                    throw new IllegalArgumentException(csv + ":" + lineNo + ": not a number: " + e.getMessage());
                }
                float[] values = new float[label >= 0 ? parsed.length - 1 : parsed.length];
                for (int i = 0, j = 0; i < parsed.length; i++) if (i != label) values[j++] = (float) parsed[i];
                out.send(SampleProducer.sample(name + ":" + lineNo, System.currentTimeMillis(), new int[] {values.length},
                        values, label >= 0 ? (int) parsed[label] : null));
            }
        }
    }
}
