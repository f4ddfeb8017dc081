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

    LabelledSplit train() throws IOException {
        return LabelledSplit.readIdx(trainImages, trainLabels);
    }

    LabelledSplit test() throws IOException {
        return LabelledSplit.readIdx(testImages, testLabels);
    }
}
