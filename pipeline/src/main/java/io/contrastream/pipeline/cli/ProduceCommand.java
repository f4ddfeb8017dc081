package io.contrastream.pipeline.cli;

import io.contrastream.model.data.Idx;
import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import io.contrastream.pipeline.io.SampleProducer;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Streams a dataset file (IDX or CSV) or the generated dataset into a samples topic, in order, optionally paced. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stream an IDX dataset (e.g. Fashion-MNIST), a CSV file or the generated dataset into the samples topic.")
public final class ProduceCommand implements Callable<Integer> {

    /** The job options that apply: how to reach Kafka. */
    static final List<Param<?>> PARAMS = List.of(JobParams.BOOTSTRAP_SERVERS, JobParams.KAFKA_PROPERTIES);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--topic", description = "Samples topic (default: ${DEFAULT-VALUE})", defaultValue = "samples")
    String topic;

    @Option(names = "--csv", description = "CSV file: numeric columns, one sample per line; '#' lines and a non-numeric header are skipped")
    Path csv;

    @Option(names = "--label-column", description = "CSV column holding an integer label: an index from 0, 'last', or 'none' (default: ${DEFAULT-VALUE})", defaultValue = "none")
    String labelColumn;

    @Option(names = "--idx-images", description = "IDX file (gzip or not) of samples, e.g. Fashion-MNIST's train-images-idx3-ubyte.gz; bytes are scaled to [0, 1]")
    Path idxImages;

    @Option(names = "--idx-labels", description = "IDX file of the matching labels (optional, for evaluation only)")
    Path idxLabels;

    @Option(names = "--limit", description = "Stream at most this many samples (default: all)")
    Integer limit;

    @Option(names = "--synthetic", description = "Instead of a file, stream N generated samples with a shift half-way")
    Integer synthetic;

    @Option(names = "--dim", description = "Features of generated samples (default: ${DEFAULT-VALUE})", defaultValue = "32")
    int dim;

    @Option(names = "--seed", description = "Seed of the generated data (default: ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Option(names = "--rate", description = "Samples per second; 0 = as fast as possible (default: ${DEFAULT-VALUE})", defaultValue = "0")
    double rate;

    @Override
    public Integer call() throws Exception {
        if ((csv != null ? 1 : 0) + (idxImages != null ? 1 : 0) + (synthetic != null ? 1 : 0) != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --csv FILE, --idx-images FILE or --synthetic N");
        }
        if (limit != null && limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit: '" + limit + "' is not allowed; expected an integer >= 1");
        }
        if (rate < 0 || !Double.isFinite(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate: '" + rate + "' is not allowed; expected a number >= 0");
        }
        Properties props;
        try {
            props = JobOptions.read(spec, PARAMS, Map.of()).kafkaProperties();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        long start = System.currentTimeMillis();
        try (SampleProducer out = new SampleProducer(props, topic, rate)) {
            if (synthetic != null) {
                if (synthetic < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--synthetic: expected N >= 1");
                SyntheticStream s = new SyntheticStream(dim, 8, synthetic / 2, seed);
                Progress progress = new Progress("produce", synthetic);
                for (int i = 0; i < synthetic; i++) {
                    SyntheticStream.Example e = s.example(i);
                    out.send(SampleProducer.sample(e.id(), System.currentTimeMillis(), new int[] {dim}, e.values(), e.label()));
                    progress.update(i + 1);
                }
                progress.finish(synthetic);
            } else if (idxImages != null) {
                produceIdx(out);
            } else {
                produceCsv(out);
            }
            System.out.printf("sent %,d samples to %s in %.1f s%n", out.sent(), topic, (System.currentTimeMillis() - start) / 1000.0);
        }
        return 0;
    }

    /** Streams an IDX dataset in file order; ids are the file name and the item index, so a replay is recognisable. */
    private void produceIdx(SampleProducer out) throws Exception {
        Idx.Tensor images = Idx.read(idxImages, true);
        Idx.Tensor labels = idxLabels == null ? null : Idx.read(idxLabels, false);
        if (labels != null && labels.count() != images.count()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--idx-labels: " + labels.count()
                    + " labels for " + images.count() + " samples");
        }
        String name = idxImages.getFileName().toString();
        int n = limit == null ? images.count() : Math.min(limit, images.count());
        Progress progress = new Progress("produce", n);
        for (int i = 0; i < n; i++) {
            out.send(SampleProducer.sample(name + ":" + i, System.currentTimeMillis(), images.itemShape(), images.item(i),
                    labels == null ? null : (int) labels.values()[i]));
            progress.update(i + 1);
        }
        progress.finish(n);
    }

    private void produceCsv(SampleProducer out) throws Exception {
        String name = csv.getFileName().toString();
        long lines;
        try (var all = Files.lines(csv)) {
            lines = all.count();
        }
        Progress progress = new Progress("produce (lines)", lines);
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                progress.update(lineNo);
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
            progress.finish(lineNo);
        }
    }
}
