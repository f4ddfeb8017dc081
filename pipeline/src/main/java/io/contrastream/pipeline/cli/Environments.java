package io.contrastream.pipeline.cli;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The execution environment for a job configuration: checkpointing as configured, and no silent Kryo fallback. */
public final class Environments {

    private Environments() {}

    /** The surrounding environment: a MiniCluster when run from the CLI, the cluster when run by `flink run`. */
    public static StreamExecutionEnvironment create(JobConfig c) {
        return configure(StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig(c)), c);
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
        String dir = c.get(JobParams.CHECKPOINT_DIR);
        if (dir.isEmpty()) dir = Path.of(System.getProperty("java.io.tmpdir"), "contrastream-checkpoints").toUri().toString();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        return conf;
    }

    private static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, JobConfig c) {
        long interval = c.get(JobParams.CHECKPOINT_INTERVAL_MS);
        if (interval > 0) env.enableCheckpointing(interval, CheckpointingMode.EXACTLY_ONCE);
        else if (c.get(JobParams.DELIVERY) == JobParams.Delivery.EXACTLY_ONCE) {
            throw new IllegalArgumentException("--delivery: 'exactly_once' needs checkpoints; expected --checkpoint-interval-ms > 0");
        }
        return env;
    }
}
