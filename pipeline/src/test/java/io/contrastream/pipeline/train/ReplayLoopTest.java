package io.contrastream.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

class ReplayLoopTest {

    /** An input that takes one record between any two reads while {@code pending} lasts, then stays drained. */
    private static final class Input {
        final AtomicLong records = new AtomicLong();
        int pending;

        long read() {
            if (pending > 0) {
                pending--;
                return records.incrementAndGet();
            }
            return records.get();
        }
    }

    @Test
    void replayWaitsUntilNoRecordCameInSinceTheLookWasQueued() throws Exception {
        TestProcessingTimeService time = new TestProcessingTimeService();
        IdleReplay idle = new IdleReplay(3);
        idle.onStreamStep(0, 0, 0, 1_000_000);   // a fresh stream batch: 3 credits
        Input input = new Input();
        AtomicInteger steps = new AtomicInteger();
        ReplayLoop loop = new ReplayLoop(time, idle, new TrainingBudget(1, 0), input::read, () -> {
            steps.incrementAndGet();
            return 1_000_000;
        });
        input.pending = 20;   // records keep arriving for a while
        loop.schedule(0);
        time.setCurrentTime(0);
        assertEquals(0, steps.get(), "the input goes first");
        time.setCurrentTime(1_000);
        assertEquals(3, steps.get(), "once it is drained, the credits are spent");
        assertEquals(0, input.pending);
    }

    @Test
    void looksThatKeepFindingInputBackOffToAFewMilliseconds() {
        assertEquals(0, ReplayLoop.backoffMs(1));
        assertEquals(0, ReplayLoop.backoffMs(ReplayLoop.FREE_LOOKS));
        assertEquals(1, ReplayLoop.backoffMs(ReplayLoop.FREE_LOOKS + 1));
        assertEquals(2, ReplayLoop.backoffMs(ReplayLoop.FREE_LOOKS + 2));
        assertEquals(ReplayLoop.MAX_BACKOFF_MS, ReplayLoop.backoffMs(ReplayLoop.FREE_LOOKS + 3));
        assertEquals(ReplayLoop.MAX_BACKOFF_MS, ReplayLoop.backoffMs(Integer.MAX_VALUE));
    }

    @Test
    void aBusyInputIsLookedAtAFewHundredTimesASecondAtMost() throws Exception {
        TestProcessingTimeService time = new TestProcessingTimeService();
        IdleReplay idle = new IdleReplay(3);
        idle.onStreamStep(0, 0, 0, 1_000_000);
        Input input = new Input();
        input.pending = Integer.MAX_VALUE;
        ReplayLoop loop = new ReplayLoop(time, idle, new TrainingBudget(1, 0), input::read, () -> 1);
        loop.schedule(0);
        time.setCurrentTime(1_000);
        long looks = input.records.get() / 2;   // two reads per look: when queued and when it fires
        assertTrue(looks <= 1_000 / ReplayLoop.MAX_BACKOFF_MS + 10, looks + " looks in a busy second");
    }
}
