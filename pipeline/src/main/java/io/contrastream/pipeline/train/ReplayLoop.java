package io.contrastream.pipeline.train;

import java.util.function.LongSupplier;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * Runs idle replay steps from the learner task's mailbox, one look at a time, and only while the task's input is
 * drained: a look replays when {@link IdleReplay} and the {@link TrainingBudget} allow it and no input record reached
 * the task since the look was queued.
 *
 * <p>Why the input check: a look is a mail, and while a mail is pending Flink's mailbox runs one input record per
 * loop. Replaying on every look therefore alternated replay steps with single records, and a fast stream's lag climbed
 * until {@link IdleReplay} called it a backlog (the feed's p50 latency was the lag bound). A look that sees records
 * arrive instead queues the next look at once; the records that queued during a replay step are taken, in batches,
 * while no mail is pending, and the next replay step waits until none came in meanwhile. Looks that keep finding input
 * back off to {@link #MAX_BACKOFF_MS}, so a learner that is the bottleneck pays a few hundred cheap looks a second.
 */
final class ReplayLoop {

    /** Looks that find input, in a row, before the next look waits at all. */
    static final int FREE_LOOKS = 2;
    static final long MAX_BACKOFF_MS = 4;

    private final ProcessingTimeService time;
    private final IdleReplay idle;
    private final TrainingBudget budget;
    private final LongSupplier recordsIn;   // the task's input records so far
    private final LongSupplier step;        // runs one replay step; its nanos

    private long queuedAt = Long.MAX_VALUE;  // when the queued look fires; Long.MAX_VALUE: none queued
    private long generation;
    private long recordsAtQueue;
    private int busyLooks;

    ReplayLoop(ProcessingTimeService time, IdleReplay idle, TrainingBudget budget, LongSupplier recordsIn, LongSupplier step) {
        this.time = time;
        this.idle = idle;
        this.budget = budget;
        this.recordsIn = recordsIn;
        this.step = step;
    }

    /** Queues a look at {@code at} (or earlier: one already queued stands), if replay can be wanted at all. */
    void schedule(long at) {
        if (!idle.wanted(at)) {
            if (!idle.wanted(Long.MAX_VALUE)) return;   // no credits: nothing to do until the next stream batch
            at = idle.idleAt();                           // behind the stream: look again once it has gone quiet
        }
        if (at >= queuedAt) return;
        queuedAt = at;
        recordsAtQueue = recordsIn.getAsLong();
        long mine = ++generation;                         // a later look queued before this one is void
        time.registerTimer(at, t -> {
            if (mine == generation) look(t);
        });
    }

    private void look(long t) {
        queuedAt = Long.MAX_VALUE;
        if (recordsIn.getAsLong() != recordsAtQueue) {     // input came in: it may hold more, and it goes first
            busyLooks++;
            schedule(t + backoffMs(busyLooks));
            return;
        }
        busyLooks = 0;
        if (!idle.wanted(t)) {
            schedule(t);
            return;
        }
        // Over --train-max-busy, or so near it that the next stream batch would be shed: look again later.
        if (!budget.admit(t, 2 * idle.stepNanos())) {
            schedule(t + 50);
            return;
        }
        long spent = step.getAsLong();
        budget.charge(spent);
        idle.charge(spent);
        schedule(time.getCurrentProcessingTime());
    }

    /** The wait before the next look after {@code busy} looks in a row found input: none for the first few, then 1, 2, 4 ms. */
    static long backoffMs(int busy) {
        return busy <= FREE_LOOKS ? 0 : Math.min(MAX_BACKOFF_MS, 1L << Math.min(busy - FREE_LOOKS - 1, 62));
    }
}
