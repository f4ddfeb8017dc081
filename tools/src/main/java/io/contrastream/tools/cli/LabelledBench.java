package io.contrastream.tools.cli;

import io.contrastream.pipeline.cli.IdxSplitOptions;
import io.contrastream.pipeline.cli.JobOptions;
import io.contrastream.pipeline.cli.LabelledSplit;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * What bench-quality and bench-feed share: the labelled IDX splits they stream through the job, and the job's
 * configuration for them (the demo's job options; the input shape is the data's unless given); a picocli mixin.
 */
final class LabelledBench {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    @CommandLine.Mixin
    IdxSplitOptions data;

    /** The splits as read, and the job's configuration for them. */
    record Setup(LabelledSplit train, LabelledSplit test, JobConfig config) {}

    /** Reads both splits and the configuration; numbers print with '.' whatever the machine's locale. */
    Setup read() throws IOException {
        Locale.setDefault(Locale.ROOT);
        LabelledSplit train = data.train();
        LabelledSplit test = data.test();
        return new Setup(train, test, JobOptions.read(command, DemoCommand.PARAMS, Map.of(JobParams.INPUT_SHAPE, train.shape())));
    }
}
