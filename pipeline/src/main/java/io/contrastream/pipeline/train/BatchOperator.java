package io.contrastream.pipeline.train;

import io.contrastream.pipeline.augment.ViewPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Groups positive pairs into learner batches: a batch closes when it is full or when its oldest pair has waited
 * {@code timeoutMs}, so a slow stream still trains; the rest is flushed at the end of a bounded input.
 * Pending pairs are operator state, so a checkpoint never drops them.
 */
public class BatchOperator extends AbstractStreamOperator<PairBatch>
        implements OneInputStreamOperator<ViewPair, PairBatch>, BoundedOneInput, ProcessingTimeCallback {

    private final int batchSize;
    private final long timeoutMs;
    private transient List<ViewPair> buffer;
    private transient long newestSourceMs = -1;   // the newest Kafka record time in the batch being formed
    private transient long newestArrivalMs;        // when that record reached this operator
    private transient long oldestArrival;
    private transient ListState<ViewPair> pending;

    public BatchOperator(int batchSize, long timeoutMs) {
        if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        if (timeoutMs <= 0) throw new IllegalArgumentException("timeoutMs must be > 0, got " + timeoutMs);
        this.batchSize = batchSize;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pending = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pending-pairs", ViewPair.class));
        buffer = new ArrayList<>(batchSize);
        for (ViewPair p : pending.get()) buffer.add(p);
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (!buffer.isEmpty()) startClock();
    }

    @Override
    public void processElement(StreamRecord<ViewPair> element) {
        buffer.add(element.getValue());
        if (element.hasTimestamp() && element.getTimestamp() > newestSourceMs) {
            newestSourceMs = element.getTimestamp();
            newestArrivalMs = getProcessingTimeService().getCurrentProcessingTime();
        }
        if (buffer.size() == 1) startClock();
        if (buffer.size() >= batchSize) flush();
    }

    @Override
    public void onProcessingTime(long time) {
        // Timers of batches that already closed are stale: only the current batch's deadline counts.
        if (!buffer.isEmpty() && time >= oldestArrival + timeoutMs) flush();
    }

    @Override
    public void endInput() {
        if (!buffer.isEmpty()) flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        pending.update(buffer);
    }

    private void startClock() {
        oldestArrival = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(oldestArrival + timeoutMs, this);
    }

    private void flush() {
        int n = buffer.size();
        ViewPair head = buffer.get(0);
        int d = head.first != null ? head.first.length : head.raw.length;
        // Views travel only if every pair has them; else the learner makes them all from the raw samples.
        boolean views = buffer.stream().allMatch(p -> p.first != null);
        String[] ids = new String[n];
        float[] first = views ? new float[n * d] : null;
        float[] second = views ? new float[n * d] : null;
        float[] raw = new float[n * d];
        for (int i = 0; i < n; i++) {
            ViewPair p = buffer.get(i);
            ids[i] = p.id;
            if (views) {
                System.arraycopy(p.first, 0, first, i * d, d);
                System.arraycopy(p.second, 0, second, i * d, d);
            }
            if (p.raw != null) System.arraycopy(p.raw, 0, raw, i * d, d);
        }
        buffer.clear();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        // The source time moved on by the newest record's wait in this batch: how far behind the topic the job reads is
        // its lag on arrival here. A slow stream's batch that closed by --batch-timeout-ms would otherwise look behind.
        output.collect(new StreamRecord<>(new PairBatch(n, ids, first, second, raw)
                .formedAt(now).sourcedAt(newestSourceMs < 0 ? -1 : newestSourceMs + (now - newestArrivalMs))));
        newestSourceMs = -1;
    }
}
