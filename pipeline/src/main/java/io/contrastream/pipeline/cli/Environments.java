package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import java.net.URI;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The execution environment for a job configuration: checkpointing as configured, and no silent Kryo fallback. */
public final class Environments {

    private Environments() {}

    /** The surrounding environment: a MiniCluster when run from the CLI, the cluster when run by `flink run`. */
    public static StreamExecutionEnvironment create(JobConfig c) {
        return create(c, null);
    }

    /** As {@link #create(JobConfig)}, restoring the job's state from a checkpoint or savepoint path (null: none). */
    public static StreamExecutionEnvironment create(JobConfig c, String restoreFrom) {
        Configuration conf = flinkConfig(c);
        if (restoreFrom != null) conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        return configure(StreamExecutionEnvironment.getExecutionEnvironment(conf), c);
    }

    /** Whether this process runs jobs on its own MiniCluster (the CLI), rather than inside `flink run` or the REST API. */
    public static boolean isLocal() {
        return StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
    }

    /**
     * Where a local {@code run} keeps its state: {@code <checkpoint-dir>/<group-id>}, so two deployments (consumer
     * groups) never resume from each other's checkpoints; graceful stops put savepoints in its {@code savepoints}.
     */
    public static URI stateDir(JobConfig c) {
        String base = checkpointDir(c);
        return URI.create((base.endsWith("/") ? base : base + "/") + c.get(JobParams.GROUP_ID));
    }

    /** A local MiniCluster environment with the given default parallelism. */
    public static StreamExecutionEnvironment local(JobConfig c, int parallelism) {
        return local(c, parallelism, new Configuration());
    }

    /** A local MiniCluster environment with extra Flink settings (e.g. a metrics reporter). */
    public static StreamExecutionEnvironment local(JobConfig c, int parallelism, Configuration extra) {
        Configuration conf = flinkConfig(c);
        conf.addAll(extra);
        return configure(StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf), c);
    }

    private static Configuration flinkConfig(JobConfig c) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);   // every type crossing an operator has a real serializer
        // The learner's state (two encoders, optimizer moments, queue) is megabytes: more than the JobManager's
        // in-memory checkpoint storage takes (5 MB), so checkpoints always go to a file system.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir(c));
        // A killed or cancelled job leaves its newest checkpoint behind, so the next start can resume from it.
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        return conf;
    }

    private static String checkpointDir(JobConfig c) {
        String dir = c.get(JobParams.CHECKPOINT_DIR);
        return dir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "contrastream-checkpoints").toUri().toString() : dir;
    }

    private static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, JobConfig c) {
        long interval = c.get(JobParams.CHECKPOINT_INTERVAL_MS);
        if (interval > 0) env.enableCheckpointing(interval, CheckpointingMode.EXACTLY_ONCE);   // JobConfig checked the delivery
        return env;
    }
}
