package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.ContrastiveJob;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.KafkaIo;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the job against an existing Kafka cluster, on a local MiniCluster or on the Flink cluster it was submitted to. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the job against an existing Kafka cluster (locally, or inside `flink run`).")
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--print-config", description = "Print the effective configuration (secrets masked) and exit")
    boolean printConfig;

    public RunCommand() {}

    @Override
    public Integer call() throws Exception {
        JobConfig config = JobOptions.read(spec, JobParams.ALL, Map.of());
        if (printConfig) {
            JobOptions.print(config);
            return 0;
        }
        StreamExecutionEnvironment env = Environments.create(config);
        ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config);
        env.execute("contrastream");
        return 0;
    }
}
