package io.contrastream.pipeline.cli;

import picocli.CommandLine;

/**
 * Entry class of the job jar on a Flink cluster ({@code flink run contrastream-pipeline-job.jar --bootstrap-servers
 * ...}, or the REST API's {@code /jars/:id/run}): the {@code run} command's options, and no {@code System.exit}, since
 * the JobManager runs this main method inside its own JVM. A bad option fails the submission with the one-line message.
 */
public final class JobMain {

    private JobMain() {}

    public static void main(String[] args) {
        CommandLine cl = Cli.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err, true));
        String[] run = new String[args.length + 1];
        run[0] = "run";
        System.arraycopy(args, 0, run, 1, args.length);
        int code = cl.execute(run);
        if (code != 0) throw new IllegalArgumentException(err.toString().strip());
    }
}
