package io.contrastream.pipeline.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The labelled IDX train and test splits a command scores on (Fashion-MNIST from Debian's package by default); a picocli mixin. */
public final class IdxSplitOptions {

    static final String FASHION = "/usr/share/datasets/fashion-mnist/";

    @Option(names = "--train-images", defaultValue = FASHION + "train-images-idx3-ubyte.gz", description = "(default: ${DEFAULT-VALUE})")
    Path trainImages;

    @Option(names = "--train-labels", defaultValue = FASHION + "train-labels-idx1-ubyte.gz", description = "(default: ${DEFAULT-VALUE})")
    Path trainLabels;

    @Option(names = "--test-images", defaultValue = FASHION + "t10k-images-idx3-ubyte.gz", description = "(default: ${DEFAULT-VALUE})")
    Path testImages;

    @Option(names = "--test-labels", defaultValue = FASHION + "t10k-labels-idx1-ubyte.gz", description = "(default: ${DEFAULT-VALUE})")
    Path testLabels;

    @Option(names = "--item-shape", split = ",", paramLabel = "D[,D...]",
            description = "Shape of one item, e.g. C,T for sensor windows stored as a rank-3 file (default: C,H,W with C = 1 for a rank-3 file, else as stored)")
    int[] itemShape;

    /** The training images file. */
    public Path trainImages() {
        return trainImages;
    }

    public LabelledSplit train() throws IOException {
        return reshaped(LabelledSplit.readIdx(trainImages, trainLabels));
    }

    public LabelledSplit test() throws IOException {
        return reshaped(LabelledSplit.readIdx(testImages, testLabels));
    }

    private LabelledSplit reshaped(LabelledSplit split) {
        if (itemShape == null) return split;
        int volume = java.util.Arrays.stream(itemShape).reduce(1, (a, b) -> a * b);
        if (volume != split.rows()[0].length || java.util.Arrays.stream(itemShape).anyMatch(d -> d <= 0)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--item-shape: "
                    + java.util.Arrays.toString(itemShape) + " does not hold the " + split.rows()[0].length
                    + " values of an item; allowed: positive sizes whose product is " + split.rows()[0].length);
        }
        return new LabelledSplit(itemShape.clone(), split.rows(), split.labels());
    }
}
