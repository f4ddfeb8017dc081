package io.contrastream.pipeline.embed;

import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.Metrics;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.train.Snapshots;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Embeds each un-augmented sample with the newest encoder snapshot (broadcast from the learner), tagging the
 * vector with that snapshot's version. Samples that arrive before the first snapshot wait in checkpointed state.
 */
public class EmbedFunction extends BroadcastProcessFunction<Instance, EncoderSnapshot, Embedding>
        implements CheckpointedFunction {

    /** Broadcast state: the newest snapshot under a single key. */
    public static final MapStateDescriptor<String, EncoderSnapshot> ENCODER = new MapStateDescriptor<>(
            "encoder", BasicTypeInfo.STRING_TYPE_INFO, new AvroTypeInfo<>(EncoderSnapshot.class));
    private static final String LATEST = "latest";
    private static final int CHUNK = 256;

    private transient FrozenEncoder encoder;
    private transient long encoderVersion = -1;
    private transient List<Instance> waiting;
    private transient ListState<Instance> waitingState;
    private transient Counter embeddings;

    @Override
    public void open(OpenContext context) {
        embeddings = getRuntimeContext().getMetricGroup().counter(Metrics.EMBED_EMBEDDINGS);
        getRuntimeContext().getMetricGroup().gauge(Metrics.EMBED_ENCODER_VERSION, () -> encoderVersion);
        getRuntimeContext().getMetricGroup().gauge(Metrics.EMBED_BUFFERED, () -> waiting.size());
    }

    @Override
    public void processElement(Instance x, ReadOnlyContext ctx, Collector<Embedding> out) throws Exception {
        EncoderSnapshot newest = ctx.getBroadcastState(ENCODER).get(LATEST);
        if (newest == null) {
            waiting.add(x);
            return;
        }
        use(newest);
        drain(out);
        emit(List.of(x), out);
    }

    @Override
    public void processBroadcastElement(EncoderSnapshot snapshot, Context ctx, Collector<Embedding> out) throws Exception {
        EncoderSnapshot current = ctx.getBroadcastState(ENCODER).get(LATEST);
        if (current == null || snapshot.getVersion() > current.getVersion()) {
            ctx.getBroadcastState(ENCODER).put(LATEST, snapshot);
            use(snapshot);
        }
        drain(out);
    }

    private void use(EncoderSnapshot snapshot) {
        if (snapshot.getVersion() != encoderVersion) {
            Snapshot s = Snapshots.fromAvro(snapshot);
            encoder = new FrozenEncoder(s.config(), s.weights());
            encoderVersion = s.version();
        }
    }

    private void drain(Collector<Embedding> out) {
        for (int from = 0; from < waiting.size(); from += CHUNK) {
            emit(waiting.subList(from, Math.min(waiting.size(), from + CHUNK)), out);
        }
        waiting.clear();
    }

    private void emit(List<Instance> batch, Collector<Embedding> out) {
        int n = batch.size();
        int d = batch.get(0).values.length;
        float[] rows = new float[n * d];
        for (int i = 0; i < n; i++) System.arraycopy(batch.get(i).values, 0, rows, i * d, d);
        float[][] vectors = encoder.embed(rows, n);
        for (int i = 0; i < n; i++) {
            List<Float> v = new ArrayList<>(vectors[i].length);
            for (float f : vectors[i]) v.add(f);
            out.collect(Embedding.newBuilder().setSampleId(batch.get(i).id)
                    .setEventTime(Instant.ofEpochMilli(batch.get(i).eventTime))
                    .setEncoderVersion(encoderVersion).setVector(v).build());
        }
        embeddings.inc(n);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        waitingState.update(waiting);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        waitingState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("waiting-samples", TypeInformation.of(Instance.class)));
        waiting = new ArrayList<>();
        for (Instance x : waitingState.get()) waiting.add(x);
    }
}
