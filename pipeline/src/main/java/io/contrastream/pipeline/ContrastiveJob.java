package io.contrastream.pipeline;

import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.augment.AugmentFunction;
import io.contrastream.pipeline.augment.ViewPair;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams.ReplayMode;
import io.contrastream.pipeline.decode.DecodeFunction;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.common.ProbeSelector;
import io.contrastream.pipeline.decode.TrainingSamples;
import io.contrastream.pipeline.drift.DriftOperator;
import io.contrastream.pipeline.drift.DriftInput;
import io.contrastream.pipeline.embed.EmbedOperator;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.RawRecord;
import io.contrastream.pipeline.io.RecordTypeInfo;
import io.contrastream.pipeline.train.BatchOperator;
import io.contrastream.pipeline.train.LearnerOperator;
import io.contrastream.pipeline.train.PairBatch;
import io.contrastream.pipeline.train.Replay;
import io.contrastream.pipeline.train.Serving;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import static io.contrastream.pipeline.config.JobParams.ANCHOR_SAMPLES;
import static io.contrastream.pipeline.config.JobParams.AUGMENT_STRENGTH;
import static io.contrastream.pipeline.config.JobParams.COMPATIBILITY_WEIGHT;
import static io.contrastream.pipeline.config.JobParams.FEED_COMPATIBILITY;
import static io.contrastream.pipeline.config.JobParams.BATCH_SIZE;
import static io.contrastream.pipeline.config.JobParams.BATCH_TIMEOUT_MS;
import static io.contrastream.pipeline.config.JobParams.TRAIN_MAX_BUSY;
import static io.contrastream.pipeline.config.JobParams.DRIFT_ALARM_LEVEL;
import static io.contrastream.pipeline.config.JobParams.DRIFT_ALARM_WINDOWS;
import static io.contrastream.pipeline.config.JobParams.DRIFT_MAX_SAMPLES;
import static io.contrastream.pipeline.config.JobParams.DRIFT_PERMUTATIONS;
import static io.contrastream.pipeline.config.JobParams.DRIFT_REFERENCE;
import static io.contrastream.pipeline.config.JobParams.DRIFT_WINDOW;
import static io.contrastream.pipeline.config.JobParams.EMBED_BATCH;
import static io.contrastream.pipeline.config.JobParams.EMBED_MAX_DELAY_MS;
import static io.contrastream.pipeline.config.JobParams.EMBED_PARALLELISM;
import static io.contrastream.pipeline.config.JobParams.INPUT_SHAPE;
import static io.contrastream.pipeline.config.JobParams.PARALLELISM;
import static io.contrastream.pipeline.config.JobParams.PROBE_FRACTION;
import static io.contrastream.pipeline.config.JobParams.REPLAY_CAPACITY;
import static io.contrastream.pipeline.config.JobParams.REPLAY_MODE;
import static io.contrastream.pipeline.config.JobParams.REPLAY_RATIO;
import static io.contrastream.pipeline.config.JobParams.SEED;
import static io.contrastream.pipeline.config.JobParams.SERVING_WARMUP_MAX_STEPS;
import static io.contrastream.pipeline.config.JobParams.SERVING_WARMUP_PLATEAU;
import static io.contrastream.pipeline.config.JobParams.SERVING_WARMUP_STEPS;
import static io.contrastream.pipeline.config.JobParams.SNAPSHOT_EVERY;
import static io.contrastream.pipeline.config.JobParams.SNAPSHOT_INTERVAL_MS;
import static io.contrastream.pipeline.config.JobParams.SNAPSHOT_TOPIC;

/**
 * The job's graph, and nothing else: decode → augment → batch → learn, with the learner's snapshots broadcast to the
 * embedders and embeddings plus step stats feeding the drift windows. Sources and sinks are arguments, so tests and
 * production run the same graph.
 */
public final class ContrastiveJob {

    /** Where the job's outputs go. */
    public record Sinks(Sink<Embedding> embeddings, Sink<DriftReport> drift, Sink<DeadLetter> deadLetters,
                        Sink<EncoderSnapshot> snapshots) {

        /** The Kafka sinks of a configuration; snapshots are published only when a snapshot topic is set. */
        public static Sinks kafka(JobConfig c) {
            return new Sinks(KafkaIo.embeddings(c), KafkaIo.drift(c), KafkaIo.deadLetters(c),
                    c.get(SNAPSHOT_TOPIC).isEmpty() ? null : KafkaIo.snapshots(c));
        }
    }

    private ContrastiveJob() {}

    public static void build(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, Sinks sinks, JobConfig c) {
        build(env, source, sinks, c, null, false);
    }

    /**
     * The graph; a job without restored state continues after {@code newest} (the snapshot topic's newest version,
     * or null): its numbering always, its weights and space when {@code warm} (see {@link LearnerOperator#withWarmStart}).
     */
    public static void build(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, Sinks sinks, JobConfig c,
                             EncoderSnapshot newest, boolean warm) {
        int parallelism = c.get(PARALLELISM);
        TypeInformation<EncoderSnapshot> snapshotType = RecordTypeInfo.snapshots();

        SingleOutputStreamOperator<Instance> samples = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "samples").uid("samples-source")
                .setParallelism(parallelism)
                .process(new DecodeFunction(c.get(INPUT_SHAPE))).name("decode").uid("decode")
                .setParallelism(parallelism);
        DataStream<DeadLetter> deadLetters = samples.getSideOutput(DecodeFunction.DEAD_LETTERS);

        ProbeSelector probes = new ProbeSelector(c.get(PROBE_FRACTION), c.get(SEED));
        SingleOutputStreamOperator<EncoderSnapshot> snapshots = samples
                .filter(new TrainingSamples(probes)).name("hold-out-probes").uid("hold-out-probes").setParallelism(parallelism)
                .map(new AugmentFunction(c.get(INPUT_SHAPE), c.get(AUGMENT_STRENGTH), c.get(SEED), !c.standardizesInputs()))
                .name("augment").uid("augment").setParallelism(parallelism)
                .transform("batch", TypeInformation.of(PairBatch.class), new BatchOperator(c.get(BATCH_SIZE), c.get(BATCH_TIMEOUT_MS)))
                .uid("batch").setParallelism(1).setMaxParallelism(1)
                .transform("learner", snapshotType, new LearnerOperator(c.encoderConfig(), c.learnerConfig(), c.get(SNAPSHOT_EVERY), c.get(SNAPSHOT_INTERVAL_MS),
                        new Replay(c.get(REPLAY_RATIO), c.get(REPLAY_CAPACITY), c.get(AUGMENT_STRENGTH), c.get(SEED),
                                c.get(REPLAY_MODE) == ReplayMode.IDLE))
                        .withMaxBusy(c.get(TRAIN_MAX_BUSY))
                        .withStandardization(c.standardizesInputs())
                        .withServing(new Serving(c.get(FEED_COMPATIBILITY), c.get(COMPATIBILITY_WEIGHT),
                                c.get(ANCHOR_SAMPLES), c.get(SERVING_WARMUP_STEPS), c.get(SERVING_WARMUP_MAX_STEPS),
                                c.get(SERVING_WARMUP_PLATEAU)))
                        .withWarmStart(newest, warm))
                .uid("learner").setParallelism(1).setMaxParallelism(1);
        DataStream<StepStats> stepStats = snapshots.getSideOutput(LearnerOperator.STEP_STATS);

        SingleOutputStreamOperator<Embedding> embeddings = samples.connect(snapshots.broadcast())
                .transform("embed", RecordTypeInfo.embeddings(), new EmbedOperator(c.get(EMBED_BATCH), c.get(EMBED_MAX_DELAY_MS)))
                .uid("embed").setParallelism(c.get(EMBED_PARALLELISM));

        TypeInformation<DriftInput> driftInput = TypeInformation.of(DriftInput.class);
        DataStream<DriftInput> driftInputs = samples.map(DriftInput::of).returns(driftInput).name("drift-samples").uid("drift-samples")
                .setParallelism(parallelism)
                .union(snapshots.map(DriftInput::of).returns(driftInput).name("drift-encoders").uid("drift-encoders").setParallelism(1),
                        stepStats.map(DriftInput::of).returns(driftInput).name("drift-stats").uid("drift-stats").setParallelism(1));
        SingleOutputStreamOperator<DriftReport> drift = driftInputs
                .transform("drift", new AvroTypeInfo<>(DriftReport.class), new DriftOperator(c.get(DRIFT_WINDOW),
                        c.get(DRIFT_REFERENCE), c.get(DRIFT_MAX_SAMPLES), c.get(DRIFT_PERMUTATIONS), c.get(SEED), probes,
                        new DriftOperator.Alarms(c.get(DRIFT_ALARM_LEVEL), c.get(DRIFT_ALARM_WINDOWS))))
                .uid("drift").setParallelism(1).setMaxParallelism(1);

        embeddings.sinkTo(sinks.embeddings()).name("embeddings-sink").uid("embeddings-sink").setParallelism(c.get(EMBED_PARALLELISM));
        drift.sinkTo(sinks.drift()).name("drift-sink").uid("drift-sink").setParallelism(1);
        deadLetters.sinkTo(sinks.deadLetters()).name("dead-letter-sink").uid("dead-letter-sink").setParallelism(parallelism);
        if (sinks.snapshots() != null) {
            snapshots.sinkTo(sinks.snapshots()).name("snapshot-sink").uid("snapshot-sink").setParallelism(1);
        }
    }
}
