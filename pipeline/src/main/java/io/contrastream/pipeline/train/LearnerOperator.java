package io.contrastream.pipeline.train;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.LearnerState;
import io.contrastream.model.train.MocoLearner;
import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.Metrics;
import io.contrastream.schema.EncoderSnapshot;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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

/**
 * The single learner: one MoCo step per batch, {@link StepStats} on a side output after every step, and an
 * {@link EncoderSnapshot} every {@code snapshotEvery} steps (and at the end of a bounded input). The learner's
 * whole state is operator state, checkpointed with the Kafka offsets.
 */
public class LearnerOperator extends AbstractStreamOperator<EncoderSnapshot>
        implements OneInputStreamOperator<PairBatch, EncoderSnapshot>, BoundedOneInput {

    public static final OutputTag<StepStats> STEP_STATS = new OutputTag<>("step-stats") {};

    private final EncoderConfig encoderConfig;
    private final LearnerConfig learnerConfig;
    private final int snapshotEvery;

    private transient MocoLearner learner;
    private transient long version;
    private transient long snapshotStep;
    private transient double lastLoss = Double.NaN;
    private transient Meter samples;
    private transient ListState<byte[]> learnerState;
    private transient ListState<Long> versionState;

    public LearnerOperator(EncoderConfig encoderConfig, LearnerConfig learnerConfig, int snapshotEvery) {
        this.encoderConfig = encoderConfig;
        this.learnerConfig = learnerConfig;
        this.snapshotEvery = snapshotEvery;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        learner = new MocoLearner(encoderConfig, learnerConfig);
        learnerState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        versionState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("encoder-version-and-step", Long.class));
        Iterator<byte[]> saved = learnerState.get().iterator();
        if (saved.hasNext()) {
            LearnerState.restore(learner, saved.next());   // refuses a state of another configuration, by name
            Iterator<Long> v = versionState.get().iterator();
            version = v.hasNext() ? v.next() : 0;
            snapshotStep = v.hasNext() ? v.next() : learner.step();
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup metrics = getMetricGroup();
        metrics.gauge(Metrics.LEARNER_STEP, () -> learner.step());
        metrics.gauge(Metrics.LEARNER_LOSS, () -> lastLoss);
        metrics.gauge(Metrics.LEARNER_ENCODER_VERSION, () -> version);
        metrics.gauge(Metrics.LEARNER_QUEUE_FILL, () -> learner.queue().fill());
        metrics.gauge(Metrics.LEARNER_SKIPPED_STEPS, () -> learner.skippedSteps());
        samples = metrics.meter(Metrics.LEARNER_SAMPLES_PER_SECOND, new MeterView(10));
    }

    @Override
    public void processElement(StreamRecord<PairBatch> element) {
        PairBatch b = element.getValue();
        StepStats stats = learner.step(b.first, b.second, b.size);
        if (!stats.skipped()) lastLoss = stats.loss();
        samples.markEvent(b.size);
        output.collect(STEP_STATS, new StreamRecord<>(stats));
        if (learner.step() - snapshotStep >= snapshotEvery) publish();
    }

    @Override
    public void endInput() {
        // A bounded run always ends with the newest weights published, so no buffered sample waits forever.
        if (learner.step() > snapshotStep || version == 0) publish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        learnerState.update(List.of(LearnerState.save(learner)));
        versionState.update(List.of(version, snapshotStep));   // the order is the format
    }

    private void publish() {
        version++;
        snapshotStep = learner.step();
        output.collect(new StreamRecord<>(Snapshots.toAvro(learner.snapshot(version))));
    }
}
