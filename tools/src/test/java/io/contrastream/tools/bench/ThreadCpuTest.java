package io.contrastream.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    // Real stat lines: a comm with spaces and an arrow, and one with a ')' inside.
    private static final String LEARNER_BLAS = "1962 (batch -> learne) S 1 1592 1 0 -1 4194368 12 0 0 0 36 87 0 0 20 0 45 0 "
            + "7313 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 -1 1 0 0 0 0 0";
    private static final String PAREN = "42 (odd) name) R 1 1 1 0 -1 0 0 0 0 0 5 7 0 0 20 0 1 0 1 0 0";

    @Test
    void ticksAreUtimePlusStimeCountedAfterTheLastParenthesis() {
        assertEquals(123, ThreadCpu.ticks(LEARNER_BLAS));
        assertEquals(12, ThreadCpu.ticks(PAREN));
    }

    @Test
    void threadDumpGivesNativeIdsForJavaAndJvmThreads() {
        String dump = """
                "main" #1 prio=5 os_prio=0 cpu=4445.46ms elapsed=77.01s tid=0x00007f nid=0x63f waiting on condition
                   java.lang.Thread.State: TIMED_WAITING (sleeping)
                "batch -> learner -> (drift-encoders, drift-stats) (1/1)#0" #90 prio=5 os_prio=0 cpu=4005.93ms elapsed=26.84s tid=0x1 nid=0x785 runnable
                "GC Thread#0" os_prio=0 cpu=324.01ms elapsed=77.00s tid=0x00007f nid=0x640 runnable
                "C2 CompilerThread0" #14 daemon prio=9 os_prio=0 cpu=1.0ms elapsed=1s tid=0x2 nid=1613 waiting on condition
                """;
        assertEquals(Map.of(0x63f, "main", 0x785, "batch -> learner -> (drift-encoders, drift-stats) (1/1)#0",
                0x640, "GC Thread#0", 1613, "C2 CompilerThread0"), ThreadCpu.parseThreadDump(dump));
    }

    @Test
    void groupsFollowTheFlinkChainNamesAndTheJvmThreadNames() {
        String source = "Source: samples -> decode -> (hold-out-probes -> augment, drift-samples, dead-letter-sink: Writer "
                + "-> dead-letter-sink: Committer)";
        assertEquals("learner", ThreadCpu.group("batch -> learner -> (drift-encoders, drift-stats) (1/1)#0"));
        assertEquals("learner", ThreadCpu.group("contrastream-gemm"));
        assertEquals("learner", ThreadCpu.group(null));
        assertEquals("decode-augment", ThreadCpu.group(source + " (2/2)#0"));
        assertEquals("kafka-source", ThreadCpu.group("Source Data Fetcher for " + source + " (1/2)#0"));
        assertEquals("embed", ThreadCpu.group("embed -> embeddings-sink: Writer -> embeddings-sink: Committer (1/2)#0"));
        assertEquals("drift", ThreadCpu.group("drift -> drift-sink: Writer -> drift-sink: Committer (1/1)#0"));
        assertEquals("sinks", ThreadCpu.group("dead-letter-sink: Writer -> dead-letter-sink: Committer (1/2)#0"));
        assertEquals("sinks", ThreadCpu.group("kafka-producer-network-thread | producer-3"));
        assertEquals("flink-runtime", ThreadCpu.group("OutputFlusher for batch -> learner -> (drift-encoders, drift-stats) (1/1)#0"));
        assertEquals("flink-runtime", ThreadCpu.group("Time Trigger for embed -> embeddings-sink: Writer (1/2)#0"));
        assertEquals("flink-runtime", ThreadCpu.group("flink-pekko.actor.default-dispatcher-5"));
        assertEquals("checkpoint", ThreadCpu.group("AsyncOperations-thread-3"));
        assertEquals("bench", ThreadCpu.group("main"));
        assertEquals("bench", ThreadCpu.group("bench-reader"));
        assertEquals("bench", ThreadCpu.group("kafka-producer-network-thread | bench-producer"));
        assertEquals("bench", ThreadCpu.group("kafka-coordinator-heartbeat-thread | bench-4714967377287"));
        assertEquals("gc", ThreadCpu.group("GC Thread#1"));
        assertEquals("gc", ThreadCpu.group("G1 Conc#0"));
        assertEquals("jit", ThreadCpu.group("C1 CompilerThread0"));
        assertEquals("other", ThreadCpu.group("JavaCPP Deallocator"));
    }

    @Test
    void nativeThreadsGoToTheirCreatorsGroupOrElseTheLearner() {
        Map<Integer, String> names = Map.of(10, "main", 12, "batch -> learner -> (drift-encoders, drift-stats) (1/1)#0",
                14, "embed -> embeddings-sink: Writer -> embeddings-sink: Committer (1/2)#0");
        Map<Integer, String> comms = Map.of(1, "java", 10, "main", 12, "batch -> learne", 13, "batch -> learne",
                14, "embed -> embedd", 15, "embed -> embedd", 16, "java");
        assertEquals(Map.of(1, "other", 10, "bench", 12, "learner", 13, "learner", 14, "embed", 15, "embed", 16, "learner"),
                ThreadCpu.groups(names, comms, 1));
    }

    @Test
    void deltasAddUpByGroupWithExitedThreadsInOther() {
        Map<Integer, String> groups = Map.of(1, "other", 10, "bench", 11, "gc", 12, "learner", 13, "learner");
        // Thread 11 is born in the window (all its ticks count); the process total has 100 ticks of exited threads.
        ThreadCpu.Snapshot a = new ThreadCpu.Snapshot(0, 1000, Map.of(1, 5L, 10, 100L, 12, 300L, 13, 50L), -1);
        ThreadCpu.Snapshot b = new ThreadCpu.Snapshot(1000, 1500, Map.of(1, 5L, 10, 150L, 11, 30L, 12, 600L, 13, 70L), -1);
        Map<String, Long> g = ThreadCpu.byGroup(a, b, groups);
        assertEquals(Map.of("bench", 50L, "gc", 30L, "learner", 320L, "other", 100L), g);
    }
}
