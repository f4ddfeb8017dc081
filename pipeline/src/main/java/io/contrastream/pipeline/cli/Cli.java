package io.contrastream.pipeline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of contrastream: {@code run}, {@code produce}, {@code evaluate} and {@code reembed}. The launcher
 * ({@code bin/contrastream}) runs it with the developer tools added: the demo and the benchmarks (the tools module).
 */
@Command(name = "contrastream", mixinStandardHelpOptions = true, version = "contrastream 0.1.0",
        description = "Streaming contrastive learning: Kafka samples in, embeddings and drift reports out.",
        subcommands = {RunCommand.class, ProduceCommand.class, EvaluateCommand.class, ReembedCommand.class})
public final class Cli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; bad option values end with a one-line message and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Cli());
        // The job's options are declared once, as Params, and added to the commands that run the job.
        JobOptions.addTo(cl.getSubcommands().get("run").getCommandSpec(), io.contrastream.pipeline.config.JobParams.ALL, java.util.Map.of());
        JobOptions.addTo(cl.getSubcommands().get("reembed").getCommandSpec(), ReembedCommand.PARAMS, java.util.Map.of());
        JobOptions.addTo(cl.getSubcommands().get("produce").getCommandSpec(), ProduceCommand.PARAMS, java.util.Map.of());
        JobOptions.addTo(cl.getSubcommands().get("evaluate").getCommandSpec(), EvaluateCommand.PARAMS, java.util.Map.of());
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage() + "  (see --help)");
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
