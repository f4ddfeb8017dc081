package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.ContrastiveJob;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SnapshotTopic;
import io.contrastream.pipeline.ui.LivePage;
import io.contrastream.schema.EncoderSnapshot;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the job against an existing Kafka cluster, on a local MiniCluster or on the Flink cluster it was submitted to.
 * Locally it is a service: it resumes from the newest retained checkpoint or savepoint of its consumer group, stops
 * with a savepoint on SIGTERM or Ctrl-C, and without any state continues the snapshot topic's version numbering
 * (warm-started from its newest encoder). On a cluster, Flink's own {@code flink run -s} restores.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the job against an existing Kafka cluster (locally, or inside `flink run`).")
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--print-config", description = "Print the effective configuration (secrets masked) and exit")
    boolean printConfig;

    @Option(names = "--restore-from", paramLabel = "PATH", description = "Start from this savepoint or checkpoint (a directory with _metadata) instead of the newest retained one")
    String restoreFrom;

    @Option(names = "--fresh", description = "Start over on purpose: no checkpoint, a random encoder in a new space (version numbers still continue)")
    boolean fresh;

    public RunCommand() {}

    @Override
    public Integer call() throws Exception {
        JobConfig config = JobOptions.read(spec, JobParams.ALL, Map.of());
        if (printConfig) {
            JobOptions.print(config);
            return 0;
        }
        if (fresh && restoreFrom != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fresh: cannot be combined with --restore-from; expected one of them");
        }
        try (LivePage page = config.get(JobParams.UI_PORT) >= 0 ? LivePage.start(config) : null) {
            if (page != null) System.out.println("Live page: " + page.url());
            return runJob(config);
        }
    }

    private int runJob(JobConfig config) throws Exception {
        if (!Environments.isLocal()) {   // inside `flink run` / the REST API: Flink restores (-s), the job just builds
            StreamExecutionEnvironment env = Environments.create(config);
            ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config, newestSnapshot(config), !fresh);
            env.execute("contrastream");
            return 0;
        }
        String stateDir = Environments.stateDir(config).toString();
        JobConfig job = config.with(JobParams.CHECKPOINT_DIR, stateDir);
        String restore = restoreFrom;
        if (restore == null && !fresh) {
            Resume.Point newest = Resume.newest(Environments.stateDir(config));
            if (newest != null) restore = newest.path();
            LOG.info(newest == null ? "no checkpoint or savepoint under {}" : "resuming from {}", newest == null ? stateDir : newest);
        } else if (restore != null) {
            LOG.info("resuming from {} (--restore-from)", restore);
        }
        EncoderSnapshot published = restore == null ? newestSnapshot(config) : null;
        if (fresh) LOG.info("fresh start (--fresh): a random encoder in a new space");
        StreamExecutionEnvironment env = Environments.create(job, restore);
        ContrastiveJob.build(env, KafkaIo.source(job), ContrastiveJob.Sinks.kafka(job), job, published, !fresh);
        JobClient client = env.executeAsync("contrastream");
        LOG.info("job {} running; checkpoints under {}; SIGTERM or Ctrl-C stops it with a savepoint there", client.getJobID(), stateDir);
        stopWithSavepointOnSignal(client, stateDir + "/savepoints");
        client.getJobExecutionResult().get();
        return 0;
    }

    /** The snapshot topic's newest version, so a start without state never reuses a version number; null if none. */
    private static EncoderSnapshot newestSnapshot(JobConfig c) {
        if (c.get(JobParams.SNAPSHOT_TOPIC).isEmpty()) return null;
        EncoderSnapshot s = SnapshotTopic.newest(c.kafkaProperties(), c.get(JobParams.SNAPSHOT_TOPIC));
        if (s == null) LOG.info("no encoder on {} yet: versions start at 1", c.get(JobParams.SNAPSHOT_TOPIC));
        else LOG.info("newest encoder on {}: v{} (space {})", c.get(JobParams.SNAPSHOT_TOPIC), s.getVersion(), s.getSpaceId());
        return s;
    }

    /** SIGTERM and SIGINT stop the job with a savepoint (the next start resumes from it), then the process ends. */
    private static void stopWithSavepointOnSignal(JobClient client, String savepoints) {
        sun.misc.SignalHandler stop = signal -> {
            LOG.info("SIG{}: stopping with a savepoint under {}", signal.getName(), savepoints);
            try {
                String path = client.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
                LOG.info("stopped with savepoint {}; the next start resumes from it", path);
            } catch (Exception e) {
                LOG.warn("no savepoint ({}); the next start resumes from the newest retained checkpoint", e.toString());
                client.cancel();
            }
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
    }
}
