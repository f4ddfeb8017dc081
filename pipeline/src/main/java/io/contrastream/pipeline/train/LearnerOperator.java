package io.contrastream.pipeline.train;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.augment.Augmenter;
import io.contrastream.model.augment.Augmenters;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.serve.WarmUp;
import io.contrastream.model.train.Compatibility;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.LearnerState;
import io.contrastream.model.train.Learner;
import io.contrastream.model.train.OnlineTrainer;
import io.contrastream.model.train.ReplayBuffer;
import io.contrastream.model.train.SampleIds;
import io.contrastream.model.train.Snapshot;
import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.Metrics;
import io.contrastream.pipeline.common.BulkState;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.SnapshotState;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.schema.EncoderSnapshot;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single learner: one MoCo step per batch, {@link StepStats} on a side output after every step, and an
 * {@link EncoderSnapshot} every {@code snapshotEvery} steps (and at the end of a bounded input). The learner's
 * whole state is operator state, checkpointed with the Kafka offsets.
 */
public class LearnerOperator extends AbstractStreamOperator<EncoderSnapshot>
        implements OneInputStreamOperator<PairBatch, EncoderSnapshot>, BoundedOneInput {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerOperator.class);

    public static final OutputTag<StepStats> STEP_STATS = new OutputTag<>("step-stats") {};

    private final EncoderConfig encoderConfig;
    private final LearnerConfig learnerConfig;
    private final int snapshotEvery;
    private final long snapshotIntervalMs;
    private final Replay replay;

    private double maxBusy = 1;   // see withMaxBusy
    private boolean standardize;  // see withStandardization
    private Serving serving = Serving.off();
    private EncoderSnapshot warmStart;   // see withWarmStart
    private boolean warmWeights;

    private transient Learner learner;
    private transient long version;
    private transient long snapshotStep;
    private transient double lastLoss = Double.NaN;
    private transient double lastGradientNorm = Double.NaN;
    private transient long lastExcluded;
    private transient long lastAgeMedian;
    private transient long lastAgeMax;
    private transient Meter samples;
    private transient ListState<byte[]> learnerState;
    private transient ListState<Long> versionState;
    private transient ReplayBuffer replayBuffer;
    private transient ListState<byte[]> replayState;
    private transient OnlineTrainer trainer;
    private transient boolean timerSet;
    private transient long lastStepMs;
    private transient TrainingBudget budget;
    private transient Counter shed;
    private transient ServingSpace space;
    private transient EncoderSnapshot lastServed;
    private transient Compatibility compatibility;
    private transient ListState<byte[]> servingState;
    private transient ListState<EncoderSnapshot> servedState;
    private transient IdleReplay idle;
    private transient ListState<byte[]> momentsState;
    private transient ReplayLoop replayLoop;
    private transient int replayBatch;
    private transient WarmUp warmUp;

    public LearnerOperator(EncoderConfig encoderConfig, LearnerConfig learnerConfig, int snapshotEvery) {
        this(encoderConfig, learnerConfig, snapshotEvery, Replay.off());
    }

    public LearnerOperator(EncoderConfig encoderConfig, LearnerConfig learnerConfig, int snapshotEvery, Replay replay) {
        this(encoderConfig, learnerConfig, snapshotEvery, 0, replay);
    }

    /**
     * Publishes a snapshot every {@code snapshotEvery} steps, and also at most {@code snapshotIntervalMs} after any
     * step not yet published (0 = steps only), so that a slow or small stream still gets fresh encoders and its
     * first embeddings without waiting for {@code snapshotEvery} steps.
     */
    public LearnerOperator(EncoderConfig encoderConfig, LearnerConfig learnerConfig, int snapshotEvery,
                           long snapshotIntervalMs, Replay replay) {
        this.encoderConfig = encoderConfig;
        this.learnerConfig = learnerConfig;
        this.snapshotEvery = snapshotEvery;
        this.snapshotIntervalMs = snapshotIntervalMs;
        this.replay = replay;
    }

    /**
     * Lets the learner spend at most this fraction of wall-clock time training (0, 1]; batches arriving over that
     * budget are shed whole and counted, so training never throttles the embeddings. 1 (the default): train on every
     * batch, the stream waits for the learner.
     */
    public LearnerOperator withMaxBusy(double fraction) {
        new TrainingBudget(fraction, 0);   // validates
        this.maxBusy = fraction;
        return this;
    }

    /** Standardises inputs by the stream's running moments ({@link OnlineTrainer#standardizing}); default off. */
    public LearnerOperator withStandardization(boolean on) {
        this.standardize = on;
        return this;
    }

    /** Keeps the served versions comparable as {@code serving} says (default: not at all). */
    public LearnerOperator withServing(Serving serving) {
        this.serving = serving;
        return this;
    }

    /**
     * When the job starts with no state (no checkpoint or savepoint), continues after this published snapshot (the
     * newest on the topic), so a version never names two encoders: the numbering always, and with {@code weights} (and
     * the same architecture) also its weights and space instead of a random encoder and a new space.
     */
    public LearnerOperator withWarmStart(EncoderSnapshot newest, boolean weights) {
        this.warmStart = newest;
        this.warmWeights = weights;
        return this;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        AvroCodec.init();   // Avro's decoding limits must be set before Flink's Avro serializer first loads them
        learner = new Learner(encoderConfig, learnerConfig);
        warmUp = serving.warmUp();   // a restore during the warm-up compares its losses afresh
        // The learner's state and its replay reservoir are written in bulk (BulkState); the managed list states of
        // the same names are read only when restoring a checkpoint from before that.
        Map<String, byte[]> bulk = BulkState.read(context);
        learnerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        versionState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("encoder-version-and-step", Long.class));
        replayBuffer = new ReplayBuffer(replay.capacity(), encoderConfig.inputSize(), replay.seed());
        replayState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("replay", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        // A job restarted with replay off drops the saved reservoir (whatever its capacity) instead of refusing it.
        byte[] savedReplay = bulk.getOrDefault("replay", first(replayState));
        if (replay.ratio() > 0 && savedReplay != null) replayBuffer.restore(savedReplay);
        Augmenter augmenter = Augmenters.forShape(encoderConfig.inputShape(), AugmentConfig.defaults().withStrength(replay.augmentStrength()));
        trainer = new OnlineTrainer(learner, replay.idle() ? 0 : replay.ratio(), replayBuffer, augmenter, replay.seed());
        idle = replay.idle() && replay.ratio() > 0 ? new IdleReplay(replay.ratio()) : null;
        momentsState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("input-moments", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        byte[] saved = bulk.getOrDefault("learner", first(learnerState));
        boolean restored = saved != null;
        Iterator<byte[]> moments = momentsState.get().iterator();
        // The restored encoder was trained behind whatever transform its state says: keep that, whatever the option.
        boolean on = restored ? moments.hasNext() : standardize;
        if (restored && on != standardize) {
            LOG.warn("--standardize: the restored encoder was trained {} input standardisation; keeping it so (start with "
                    + "--fresh to change it)", on ? "with" : "without");
        }
        if (on) {
            trainer.standardizing();
            if (moments.hasNext()) trainer.moments().restore(moments.next());
        }
        if (restored) {
            LearnerState.restore(learner, saved);   // refuses a state of another configuration, by name
            Iterator<Long> v = versionState.get().iterator();
            version = v.hasNext() ? v.next() : 0;
            snapshotStep = v.hasNext() ? v.next() : learner.step();
        }
        initializeServing(context);
        if (!restored && warmStart != null) continueAfter(warmStart);
    }

    private void continueAfter(EncoderSnapshot newest) {
        version = newest.getVersion();
        boolean sameEncoder = newest.getConfig().equals(encoderConfig.toJson());
        if (!warmWeights || !sameEncoder) {
            LOG.info("no checkpoint: random encoder in a new space {}; versions continue after v{} on the snapshot topic{}",
                    space.spaceId(), version, warmWeights ? " (its encoder is of another configuration: " + newest.getConfig() + ")" : "");
            return;
        }
        Snapshot from = Snapshots.fromAvro(newest);
        if ((from.input() != null) != (trainer.moments() != null)) {
            LOG.info("no checkpoint: random encoder in a new space {}; versions continue after v{} (its encoder was trained {} "
                    + "input standardisation, this job {})", space.spaceId(), version, from.input() != null ? "with" : "without",
                    trainer.moments() != null ? "standardises" : "does not");
            return;
        }
        // Its transform, as if measured on one reservoir's worth of samples: the stream's own moments take over.
        if (from.input() != null) trainer.moments().seed(from.input(), replay.capacity());
        learner.warmStart(from.weights());
        space.continueFrom(new ServingSpace.Served(from, Snapshots.alignment(newest), newest.getSpaceId()), compatibility);
        lastServed = newest;
        LOG.info("no checkpoint: warm start from encoder v{} (step {}) on the snapshot topic, space {}; the next version is v{}",
                version, from.step(), space.spaceId(), version + 1);
    }

    /**
     * The serving space: restored with the last served version (so alignment and the compatibility anchor continue),
     * or new, with a new space id, when the state has none (a fresh start, or a state from before spaces).
     */
    private void initializeServing(StateInitializationContext context) throws Exception {
        ServingSpace.Mechanism mechanism = serving.mechanism();
        if (mechanism.trains() && !io.contrastream.model.linalg.Blas.direct()) {
            LOG.warn("--feed-compatibility {}: the compatibility term needs the CPU backend's encoders; aligning only", mechanism);
            mechanism = ServingSpace.Mechanism.ALIGN;
        }
        compatibility = new Compatibility(mechanism.trains() ? serving.weight() : 0);
        learner.compatibility(compatibility);
        space = new ServingSpace(mechanism, serving.anchors(), encoderConfig.inputSize(), java.util.UUID.randomUUID().toString());
        servingState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("serving-space", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        servedState = context.getOperatorStateStore().getListState(SnapshotState.descriptor("served-version"));
        Iterator<byte[]> saved = servingState.get().iterator();
        Iterator<EncoderSnapshot> served = servedState.get().iterator();
        if (saved.hasNext()) {
            // Kept as the served version, so a checkpoint taken before the next publish still holds it.
            lastServed = served.hasNext() ? served.next() : null;
            space.restore(saved.next(), lastServed == null ? null : Snapshots.fromAvro(lastServed), compatibility);
            LOG.info("serving space {} restored at version {} ({} anchors)", space.spaceId(), version, space.anchorCount());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup metrics = getMetricGroup();
        metrics.gauge(Metrics.LEARNER_STEP, () -> learner.step());
        metrics.gauge(Metrics.LEARNER_LOSS, () -> lastLoss);
        metrics.gauge(Metrics.LEARNER_ENCODER_VERSION, () -> version);
        metrics.gauge(Metrics.LEARNER_QUEUE_FILL, () -> learner.queue() == null ? 0.0 : learner.queue().fill());
        metrics.gauge(Metrics.LEARNER_SKIPPED_STEPS, () -> learner.skippedSteps());
        metrics.gauge(Metrics.LEARNER_GRADIENT_NORM, () -> lastGradientNorm);
        metrics.gauge(Metrics.LEARNER_EXCLUDED_NEGATIVES, () -> lastExcluded);
        metrics.gauge(Metrics.LEARNER_QUEUE_AGE_MEDIAN, () -> lastAgeMedian);
        metrics.gauge(Metrics.LEARNER_QUEUE_AGE_MAX, () -> lastAgeMax);
        samples = metrics.meter(Metrics.LEARNER_SAMPLES_PER_SECOND, new MeterView(10));
        shed = metrics.counter(Metrics.LEARNER_SHED_SAMPLES);
        budget = new TrainingBudget(maxBusy, getProcessingTimeService().getCurrentProcessingTime());
        if (idle != null) {
            Counter recordsIn = getContainingTask().getEnvironment().getMetricGroup().getIOMetricGroup().getNumRecordsInCounter();
            replayLoop = new ReplayLoop(getProcessingTimeService(), idle, budget, recordsIn::getCount, () -> {
                long start = System.nanoTime();
                afterStep(trainer.replayStep(replayBatch));
                return System.nanoTime() - start;
            });
        }
    }

    @Override
    public void processElement(StreamRecord<PairBatch> element) {
        PairBatch b = element.getValue();
        long arrived = getProcessingTimeService().getCurrentProcessingTime();
        if (!budget.admit(arrived)) {
            shed.inc(b.size);   // the samples are still embedded; only this learner skips them
            return;
        }
        if (b.raw != null) space.offer(b.raw, b.size);
        long start = System.nanoTime();
        long[] ids = SampleIds.of(b.ids, b.size);
        trainer.onBatch(b.first, b.second, b.raw, ids, b.size, this::afterStep);
        long spent = System.nanoTime() - start;
        budget.charge(spent);
        samples.markEvent(b.size);
        if (idle != null && b.raw != null) {
            replayBuffer.add(b.raw, ids, b.size);
            replayBatch = Math.max(replayBatch, b.size);
            // Measured at arrival: the batch's own step is not a wait.
            long now = getProcessingTimeService().getCurrentProcessingTime();
            idle.onStreamStep(now, b.formedMs < 0 ? -1 : arrived - b.formedMs, b.sourceMs < 0 ? -1 : arrived - b.sourceMs, spent);
            replayLoop.schedule(now);
        }
    }

    private void afterStep(StepStats stats) {
        if (!stats.skipped()) {
            lastLoss = stats.loss();
            lastGradientNorm = stats.gradientNorm();
            warmUp.observe(stats.loss());
        }
        lastExcluded = stats.excludedNegatives();
        lastAgeMedian = stats.queueAgeMedian();
        lastAgeMax = stats.queueAgeMax();
        output.collect(STEP_STATS, new StreamRecord<>(stats));
        lastStepMs = getProcessingTimeService().getCurrentProcessingTime();
        if (warmingUp()) {
            // Not yet worth serving; but a stream too small to reach the warm-up is served once the learner goes
            // quiet, rather than never.
            armIntervalTimer(lastStepMs + snapshotIntervalMs);
            return;
        }
        if (learner.step() - snapshotStep >= snapshotEvery) {
            publish();
        } else {
            armIntervalTimer(lastStepMs + snapshotIntervalMs);
        }
    }

    private boolean warmingUp() {
        return lastServed == null && !warmUp.over(learner.step());
    }

    /** Publishes within --snapshot-interval-ms of an unpublished step; in warm-up only after that long without a step. */
    private void armIntervalTimer(long at) {
        if (snapshotIntervalMs <= 0 || timerSet) return;
        timerSet = true;
        getProcessingTimeService().registerTimer(at, t -> {
            timerSet = false;
            if (learner.step() <= snapshotStep) return;
            if (warmingUp() && t - lastStepMs < snapshotIntervalMs) armIntervalTimer(lastStepMs + snapshotIntervalMs);
            else publish();
        });
    }

    @Override
    public void endInput() {
        // A bounded run always ends with the newest weights published, so no buffered sample waits forever.
        if (learner.step() > snapshotStep || version == 0) publish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        Map<String, byte[]> bulk = new LinkedHashMap<>();
        bulk.put("learner", LearnerState.save(learner));
        if (replay.ratio() > 0) bulk.put("replay", replayBuffer.save());
        BulkState.write(context, bulk);
        learnerState.clear();   // restored from, never written again
        replayState.clear();
        versionState.update(List.of(version, snapshotStep));   // the order is the format
        servingState.update(List.of(space.save()));
        servedState.update(lastServed == null ? List.of() : List.of(lastServed));
        momentsState.update(trainer.moments() == null ? List.of() : List.of(trainer.moments().save()));
    }

    private static byte[] first(ListState<byte[]> state) throws Exception {
        Iterator<byte[]> it = state.get().iterator();
        return it.hasNext() ? it.next() : null;
    }

    private void publish() {
        version++;
        snapshotStep = learner.step();
        ServingSpace.Served served = space.serve(trainer.snapshot(version), compatibility);
        lastServed = Snapshots.toAvro(served);
        output.collect(new StreamRecord<>(lastServed));
    }
}
