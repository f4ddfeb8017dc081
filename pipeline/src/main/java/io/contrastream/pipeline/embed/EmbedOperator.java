package io.contrastream.pipeline.embed;

import io.contrastream.pipeline.Metrics;
import io.contrastream.pipeline.common.EncoderHolder;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.FloatList;
import io.contrastream.pipeline.io.SnapshotState;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Embeds un-augmented samples (input 1) with the newest encoder snapshot (input 2, broadcast from the learner) and
 * tags each vector with that snapshot's version and space. Samples are embedded in micro-batches of up to {@code maxBatch}
 * (a batch-1 forward pass costs a fifth of a batch of 16 here) closed after {@code maxDelayMs}; samples that arrive
 * before the first snapshot wait. Waiting samples and the snapshot are checkpointed.
 */
public class EmbedOperator extends AbstractStreamOperator<Embedding>
        implements TwoInputStreamOperator<Instance, EncoderSnapshot, Embedding>, BoundedMultiInput, ProcessingTimeCallback {

    private final int maxBatch;
    private final long maxDelayMs;

    private transient EncoderHolder holder;
    private transient List<Instance> pending;
    private transient boolean timerSet;
    private transient Counter embeddings;
    private transient ListState<Instance> pendingState;
    private transient ListState<EncoderSnapshot> snapshotState;

    public EmbedOperator(int maxBatch, long maxDelayMs) {
        this.maxBatch = maxBatch;
        this.maxDelayMs = maxDelayMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        AvroCodec.init();   // Avro's decoding limits must be set before Flink's Avro serializer first loads them
        holder = new EncoderHolder();
        pending = new ArrayList<>();
        pendingState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("pending-samples", TypeInformation.of(Instance.class)));
        // Union state: after a rescale every subtask gets every copy and keeps the newest.
        snapshotState = context.getOperatorStateStore().getUnionListState(SnapshotState.descriptor("encoder"));
        holder.restore(snapshotState.get());
        for (Instance x : pendingState.get()) pending.add(x);
    }

    @Override
    public void open() throws Exception {
        super.open();
        embeddings = getMetricGroup().counter(Metrics.EMBED_EMBEDDINGS);
        getMetricGroup().gauge(Metrics.EMBED_ENCODER_VERSION, () -> holder.version());
        getMetricGroup().gauge(Metrics.EMBED_BUFFERED, () -> pending.size());
        if (!pending.isEmpty()) armTimer();
    }

    @Override
    public void processElement1(StreamRecord<Instance> element) {
        pending.add(element.getValue());
        if (!holder.ready()) return;
        if (pending.size() >= maxBatch) flush();
        else armTimer();
    }

    @Override
    public void processElement2(StreamRecord<EncoderSnapshot> element) {
        // Samples already waiting are embedded by the encoder that was newest when they arrived, if there was one.
        if (holder.ready()) flush();
        holder.offer(element.getValue());
        flush();
    }

    @Override
    public void onProcessingTime(long time) {
        timerSet = false;
        if (holder.ready()) flush();
    }

    @Override
    public void endInput(int inputId) {
        if (holder.ready()) flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        pendingState.update(pending);
        snapshotState.update(holder.saved());
    }

    private void armTimer() {
        if (timerSet) return;
        timerSet = true;
        getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + maxDelayMs, this);
    }

    private void flush() {
        for (int from = 0; from < pending.size(); from += maxBatch) {
            emit(pending.subList(from, Math.min(pending.size(), from + maxBatch)));
        }
        pending.clear();
    }

    private void emit(List<Instance> batch) {
        int n = batch.size();
        int d = batch.get(0).values.length;
        float[] rows = new float[n * d];
        for (int i = 0; i < n; i++) System.arraycopy(batch.get(i).values, 0, rows, i * d, d);
        float[][] vectors = holder.embed(rows, n);
        long version = holder.version();
        String space = holder.spaceId();
        for (int i = 0; i < n; i++) {
            Instance x = batch.get(i);
            // vectors[i] is fresh from the encoder and this record's alone: wrapped, not copied or boxed.
            output.collect(new StreamRecord<>(new Embedding(x.id, Instant.ofEpochMilli(x.eventTime), version,
                    FloatList.wrap(vectors[i]), space)));
        }
        embeddings.inc(n);
    }
}
