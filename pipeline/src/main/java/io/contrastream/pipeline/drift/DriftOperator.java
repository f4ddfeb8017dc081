package io.contrastream.pipeline.drift;

import io.contrastream.model.drift.DriftAnalyzer;
import io.contrastream.model.train.StepStats;
import io.contrastream.pipeline.Metrics;
import io.contrastream.pipeline.config.JobParams.DriftReference;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Cuts the embedding stream into windows of {@code windowSize} and reports, per window, the learner's health (from
 * the {@link StepStats} that arrived meanwhile) and the drift of the window against a reference window.
 * A final partial window is reported at the end of a bounded input.
 */
public class DriftOperator extends AbstractStreamOperator<DriftReport>
        implements TwoInputStreamOperator<Embedding, StepStats, DriftReport>, BoundedMultiInput {

    private final int windowSize;
    private final DriftReference referencePolicy;
    private final int maxSamples;
    private final int permutations;
    private final long seed;

    private transient DriftAnalyzer analyzer;
    private transient WindowAccumulator window;
    private transient float[][] reference;
    private transient long referenceIndex;
    private transient long windowIndex;
    private transient DriftReport last;
    private transient Counter windows;
    private transient ListState<byte[]> state;

    public DriftOperator(int windowSize, DriftReference referencePolicy, int maxSamples, int permutations, long seed) {
        this.windowSize = windowSize;
        this.referencePolicy = referencePolicy;
        this.maxSamples = maxSamples;
        this.permutations = permutations;
        this.seed = seed;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        analyzer = new DriftAnalyzer(maxSamples, permutations, seed);
        window = new WindowAccumulator();
        state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("drift", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        for (byte[] saved : state.get()) {
            WindowAccumulator.Restored r = WindowAccumulator.restore(saved);
            window = r.window();
            reference = r.reference();
            referenceIndex = r.referenceIndex();
            windowIndex = r.windowIndex();
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        MetricGroup m = getMetricGroup();
        windows = m.counter(Metrics.DRIFT_WINDOWS);
        m.gauge(Metrics.DRIFT_MMD2, () -> last == null || last.getMmd2() == null ? Double.NaN : last.getMmd2());
        m.gauge(Metrics.DRIFT_MMD_P_VALUE, () -> last == null || last.getMmdPValue() == null ? Double.NaN : last.getMmdPValue());
        m.gauge(Metrics.DRIFT_MEAN_SHIFT, () -> last == null || last.getMeanShift() == null ? Double.NaN : last.getMeanShift());
        m.gauge(Metrics.DRIFT_COLLAPSE_STD, () -> last == null || last.getCollapseStd() == null ? Double.NaN : last.getCollapseStd());
        m.gauge(Metrics.DRIFT_EFFECTIVE_RANK, () -> last == null || last.getEffectiveRank() == null ? Double.NaN : last.getEffectiveRank());
        m.gauge(Metrics.DRIFT_ALIGNMENT, () -> last == null || last.getAlignment() == null ? Double.NaN : last.getAlignment());
        m.gauge(Metrics.DRIFT_UNIFORMITY, () -> last == null || last.getUniformity() == null ? Double.NaN : last.getUniformity());
    }

    @Override
    public void processElement1(StreamRecord<Embedding> element) {
        window.add(element.getValue());
        if (window.size() >= windowSize) report();
    }

    @Override
    public void processElement2(StreamRecord<StepStats> element) {
        window.add(element.getValue());
    }

    @Override
    public void endInput(int inputId) {
        if (inputId == 1 && window.size() >= 2) report();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.update(List.of(window.save(reference, referenceIndex, windowIndex)));
    }

    private void report() {
        float[][] vectors = window.vectors();
        DriftAnalyzer.WindowMetrics m = analyzer.analyze(vectors, reference, windowIndex);
        last = window.toReport(windowIndex, m, reference == null ? null : referenceIndex);
        output.collect(new StreamRecord<>(last));
        windows.inc();
        if (reference == null || referencePolicy == DriftReference.PREVIOUS) {
            // Keep only the subsample the statistics can use: the reference costs O(maxSamples × d) memory.
            reference = DriftAnalyzer.subsample(vectors, maxSamples, seed + windowIndex);
            referenceIndex = windowIndex;
        }
        windowIndex++;
        window = new WindowAccumulator();
    }
}
