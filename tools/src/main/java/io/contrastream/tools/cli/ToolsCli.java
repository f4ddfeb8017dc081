package io.contrastream.tools.cli;

import io.contrastream.pipeline.cli.Cli;
import io.contrastream.pipeline.cli.JobOptions;
import io.contrastream.pipeline.config.Param;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** The product's command line with the developer tools added, the demo and the benchmarks: what {@code bin/contrastream} runs. */
public final class ToolsCli {

    private ToolsCli() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@link Cli#commandLine()} with {@code demo} and the {@code bench-*} commands, each with the job options it takes. */
    public static CommandLine commandLine() {
        CommandLine cl = Cli.commandLine();
        cl.addSubcommand(withJobOptions(new DemoCommand(), DemoCommand.PARAMS, DemoCommand.DEFAULTS));
        cl.addSubcommand(new EndToEndBenchCommand());   // its job configuration is fixed
        cl.addSubcommand(withJobOptions(new QualityBenchCommand(), DemoCommand.PARAMS, Map.of()));
        cl.addSubcommand(withJobOptions(new FeedBenchCommand(), DemoCommand.PARAMS, Map.of()));
        return cl;
    }

    private static CommandLine withJobOptions(Object command, List<Param<?>> params, Map<Param<?>, Object> defaults) {
        CommandLine cl = new CommandLine(command);
        JobOptions.addTo(cl.getCommandSpec(), params, defaults);
        return cl;
    }
}
