package io.contrastream.pipeline.drift;

import io.contrastream.model.drift.DriftAlarms;
import io.contrastream.model.drift.DriftAnalyzer;
import io.contrastream.model.drift.HealthMetrics;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.state.StateCodec;
import io.contrastream.pipeline.Metrics;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.SnapshotState;
import io.contrastream.pipeline.config.JobParams.DriftReference;
import io.contrastream.pipeline.common.EncoderHolder;
import io.contrastream.pipeline.common.ProbeSelector;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.EncoderSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Cuts the sample stream into windows of {@code windowSize} and reports, per window, the learner's health (from the
 * step stats that arrived meanwhile) and the drift of the window against a reference window.
 *
 * <p>Both windows are embedded by the same, newest encoder when the window closes, so a change of the model is not
 * mistaken for a change of the data; each window keeps a seeded reservoir of at most {@code maxSamples} raw rows,
 * so memory and cost per window are bounded. Windows that close before the first snapshot wait for it; a final partial
 * window is reported at the end of a bounded input.
 *
 * <p>Each report carries an alarm verdict ({@link DriftAlarms}: the MMD test confirmed over consecutive windows, and
 * Page-Hinkley on the scalar health series) and the representation drift of a fixed probe set between consecutive
 * encoder versions, which tells consumers of the embedding feed when stored vectors have gone stale.
 */
public class DriftOperator extends AbstractStreamOperator<DriftReport>
        implements OneInputStreamOperator<DriftInput, DriftReport>, BoundedOneInput {

    /** Closed windows that may wait for the first encoder snapshot. */
    static final int MAX_WAITING_WINDOWS = 32;
    /** Held-out probes kept for the kNN monitor: enough for a stable accuracy, bounded cost per window. */
    static final int PROBE_CAPACITY = 2000;
    /** The kinds of this operator's two saved states, one element each, both {@link StateCodec} format 2. */
    private static final String WINDOWS = "drift-windows";
    private static final String ALARMS = "drift-alarms";
    /** 2: {@link StateCodec}; 1 came before it, see {@link #restoreLegacy(List, List)}. */
    private static final int FORMAT = 2;

    private final int windowSize;
    private final DriftReference referencePolicy;
    private final int maxSamples;
    private final int permutations;
    private final long seed;
    private final ProbeSelector probes;
    private final Alarms alarmConfig;

    /** The MMD alarm's level α and how many consecutive windows at p ≤ α raise it. */
    public record Alarms(double level, int windows) implements java.io.Serializable {
        public static Alarms defaults() {
            return new Alarms(0.01, 2);
        }
    }

    private transient DriftAnalyzer analyzer;
    private transient EncoderHolder holder;
    private transient WindowAccumulator window;
    private transient WindowAccumulator reference;
    private transient ArrayDeque<WindowAccumulator> closed;
    private transient ProbeReservoir probeSet;
    private transient long windowIndex;
    private transient DriftReport last;
    private transient Counter windows;
    private transient ListState<byte[]> state;
    private transient ListState<EncoderSnapshot> snapshotState;
    private transient ListState<byte[]> alarmState;
    private transient DriftAlarms alarms;
    private transient RepresentationProbe representation;
    private transient Counter alarmCount;

    public DriftOperator(int windowSize, DriftReference referencePolicy, int maxSamples, int permutations, long seed) {
        this(windowSize, referencePolicy, maxSamples, permutations, seed, new ProbeSelector(0, seed));
    }

    /** With an online kNN monitor on the held-out probe samples that {@code probes} selects. */
    public DriftOperator(int windowSize, DriftReference referencePolicy, int maxSamples, int permutations, long seed,
                         ProbeSelector probes) {
        this(windowSize, referencePolicy, maxSamples, permutations, seed, probes, Alarms.defaults());
    }

    public DriftOperator(int windowSize, DriftReference referencePolicy, int maxSamples, int permutations, long seed,
                         ProbeSelector probes, Alarms alarmConfig) {
        this.alarmConfig = alarmConfig;
        this.probes = probes;
        this.windowSize = windowSize;
        this.referencePolicy = referencePolicy;
        this.maxSamples = maxSamples;
        this.permutations = permutations;
        this.seed = seed;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        AvroCodec.init();   // Avro's decoding limits must be set before Flink's Avro serializer first loads them
        analyzer = new DriftAnalyzer(maxSamples, permutations, seed);
        holder = new EncoderHolder();
        window = new WindowAccumulator(maxSamples, seed, 0);
        state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(WINDOWS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        snapshotState = context.getOperatorStateStore().getListState(SnapshotState.descriptor("drift-encoder"));
        holder.restore(snapshotState.get());
        alarmState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(ALARMS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        alarms = DriftAlarms.defaults(alarmConfig.level(), alarmConfig.windows());
        representation = new RepresentationProbe();
        closed = new ArrayDeque<>();
        probeSet = new ProbeReservoir(PROBE_CAPACITY, seed);
        List<byte[]> savedWindows = new ArrayList<>();
        state.get().forEach(savedWindows::add);
        List<byte[]> savedAlarms = new ArrayList<>();
        alarmState.get().forEach(savedAlarms::add);
        if (savedWindows.size() > 1 || savedAlarms.size() > 1) {
            restoreLegacy(savedWindows, savedAlarms);
        } else {
            savedWindows.forEach(this::restoreWindows);
            savedAlarms.forEach(this::restoreAlarms);
        }
    }

    private void restoreWindows(byte[] saved) {
        StateCodec.Reader r = new StateCodec.Reader(saved, WINDOWS, FORMAT);
        probeSet.restore(r.bytes("probes"));
        window = WindowAccumulator.restore(r.bytes("window"));
        windowIndex = window.index();
        reference = r.has("reference") ? WindowAccumulator.restore(r.bytes("reference")) : null;
        r.read("closed", in -> {
            for (int n = in.readInt(); n > 0; n--) {
                byte[] w = new byte[in.readInt()];
                in.readFully(w);
                closed.add(WindowAccumulator.restore(w));
            }
        });
    }

    private void restoreAlarms(byte[] saved) {
        StateCodec.Reader r = new StateCodec.Reader(saved, ALARMS, FORMAT);
        alarms.restore(doubles(r.bytes("detectors")));
        representation.restore(r.bytes("representation"));
    }

    /**
     * Format 1, from before {@link StateCodec}: each list held its parts by position, windows as [probe set, current
     * window, reference or empty, closed windows...], alarms as [alarm detectors, representation probe].
     */
    private void restoreLegacy(List<byte[]> savedWindows, List<byte[]> savedAlarms) {
        if (!savedAlarms.isEmpty()) {
            alarms.restore(doubles(savedAlarms.get(0)));
            representation.restore(savedAlarms.get(1));
        }
        if (!savedWindows.isEmpty()) {
            probeSet.restore(savedWindows.get(0));
            window = WindowAccumulator.restore(savedWindows.get(1));
            windowIndex = window.index();
            reference = savedWindows.get(2).length == 0 ? null : WindowAccumulator.restore(savedWindows.get(2));
            for (byte[] w : savedWindows.subList(3, savedWindows.size())) closed.add(WindowAccumulator.restore(w));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        windows = getMetricGroup().counter(Metrics.DRIFT_WINDOWS);
        alarmCount = getMetricGroup().counter(Metrics.DRIFT_ALARMS);
        gauge(Metrics.DRIFT_REPRESENTATION_MOVEMENT, DriftReport::getRepresentationCosineMovement);
        gauge(Metrics.DRIFT_REPRESENTATION_KNN_OVERLAP, DriftReport::getRepresentationKnnOverlap);
        gauge(Metrics.DRIFT_MMD2, DriftReport::getMmd2);
        gauge(Metrics.DRIFT_MMD_P_VALUE, DriftReport::getMmdPValue);
        gauge(Metrics.DRIFT_MEAN_SHIFT, DriftReport::getMeanShift);
        gauge(Metrics.DRIFT_COLLAPSE_STD, DriftReport::getCollapseStd);
        gauge(Metrics.DRIFT_EFFECTIVE_RANK, DriftReport::getEffectiveRank);
        gauge(Metrics.DRIFT_ALIGNMENT, DriftReport::getAlignment);
        gauge(Metrics.DRIFT_UNIFORMITY, DriftReport::getUniformity);
        gauge(Metrics.DRIFT_KNN_ACCURACY, DriftReport::getKnnAccuracy);
    }

    private void gauge(String name, Function<DriftReport, Double> field) {
        getMetricGroup().gauge(name, () -> last == null || field.apply(last) == null ? Double.NaN : field.apply(last));
    }

    @Override
    public void processElement(StreamRecord<DriftInput> element) {
        DriftInput in = element.getValue();
        if (in.snapshot != null) {
            holder.offer(in.snapshot);
        } else if (in.stats != null) {
            window.add(in.stats);
        } else {
            if (probes.isProbe(in.sample.id, in.sample.label)) probeSet.add(in.sample);
            window.add(in.sample);
            if (window.count() >= windowSize) closeWindow();
        }
        drain(false);
    }

    @Override
    public void endInput() {
        if (window.count() >= 2) closeWindow();
        drain(true);
    }

    private void closeWindow() {
        closed.add(window);
        windowIndex++;
        window = new WindowAccumulator(maxSamples, seed, windowIndex);
    }

    /**
     * Reports closed windows in order. Before the first encoder snapshot, windows wait (at most
     * {@link #MAX_WAITING_WINDOWS}, each a bounded reservoir) so that even the first ones get embedding statistics.
     */
    private void drain(boolean force) {
        while (!closed.isEmpty() && (holder.ready() || force || closed.size() > MAX_WAITING_WINDOWS)) {
            report(closed.poll());
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        StateCodec.Writer windowState = new StateCodec.Writer(WINDOWS, FORMAT)
                .section("probes", probeSet.save())
                .section("window", window.save());
        if (reference != null) windowState.section("reference", reference.save());
        windowState.section("closed", out -> {
            out.writeInt(closed.size());
            for (WindowAccumulator w : closed) {
                byte[] b = w.save();
                out.writeInt(b.length);
                out.write(b);
            }
        });
        state.update(List.of(windowState.toBytes()));
        snapshotState.update(holder.saved());
        alarmState.update(List.of(new StateCodec.Writer(ALARMS, FORMAT)
                .section("detectors", bytes(alarms.save()))
                .section("representation", representation.save())
                .toBytes()));
    }

    private void report(WindowAccumulator w) {
        DriftAnalyzer.WindowMetrics m = null;
        Double inputShift = null;
        float[][] raw = w.rows();
        if (reference != null) inputShift = HealthMetrics.meanShift(raw, reference.rows());
        if (holder.ready() && raw.length >= 2) {
            FrozenEncoder encoder = holder.encoder();
            m = analyzer.analyze(encoder.embed(raw), reference == null ? null : encoder.embed(reference.rows()), w.index());
        }
        Long referenceIndex = m == null || m.mmd2() == null ? null : reference.index();
        last = w.toReport(m, holder.version(), referenceIndex, inputShift);
        last.setProbeSamples(probeSet.size());
        last.setKnnAccuracyRaw(probeSet.knnAccuracy(null));
        last.setKnnAccuracy(holder.ready() ? probeSet.knnAccuracy(holder.encoder()) : null);
        if (holder.ready()) {
            representation.fix(DriftAnalyzer.subsample(raw, maxSamples, seed));
            RepresentationProbe.Movement moved = representation.update(holder::embed, holder.version());   // as served
            if (moved != null) {
                last.setRepresentationFromVersion(moved.fromVersion());
                last.setRepresentationCosineMovement(moved.drift().cosineMovement());
                last.setRepresentationKnnOverlap(moved.drift().knnOverlap());
            }
        }
        DriftAlarms.Decision d = alarms.judge(last.getMmdPValue(), last.getLoss(), last.getKnnAccuracy(), last.getCollapseStd());
        last.setAlarm(d.alarm());
        last.setAlarmDetectors(d.detectors());
        last.setMmdAlarmLevel(alarms.alpha());
        last.setMmdSuspectWindows(alarms.suspectWindows());
        output.collect(new StreamRecord<>(last));
        windows.inc();
        if (d.alarm()) alarmCount.inc();
        boolean replace = switch (referencePolicy) {
            case FIRST -> false;
            case PREVIOUS -> true;
            case AFTER_ALARM -> d.detectors() != null && d.detectors().contains("mmd");   // the new normal
        };
        if (reference == null || replace) reference = w;
    }

    private static byte[] bytes(double[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * v.length);
        for (double x : v) b.putDouble(x);
        return b.array();
    }

    private static double[] doubles(byte[] b) {
        java.nio.DoubleBuffer d = java.nio.ByteBuffer.wrap(b).asDoubleBuffer();
        double[] v = new double[d.remaining()];
        d.get(v);
        return v;
    }

}
