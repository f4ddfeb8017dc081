package io.contrastream.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;

/** Per-thread CPU time of this process (and optionally a child) from /proc, attributed to groups of threads by name. */
public final class ThreadCpu implements AutoCloseable {

    /** The learner: its task chain, the SplitGemm helper and the native (BLAS) threads without a Java name. */
    public static final String LEARNER = "learner";
    /** The benchmark's own main thread, sampler and Kafka clients (client.id / group id "bench-..."). */
    public static final String BENCH = "bench";
    /** The groups that make up "outside the learner", in report order; "other" also takes exited threads' CPU. */
    public static final List<String> OUTSIDE = List.of("decode-augment", "kafka-source", "embed", "drift", "sinks",
            "checkpoint", "gc", "jit", "flink-runtime", "other");

    /** CPU ticks (utime + stime) at one moment: the process as a whole, each live thread, and the child (-1: none). */
    public record Snapshot(long wallMs, long processTicks, Map<Integer, Long> threadTicks, long childTicks) {}

    // A Flink task thread: "<chain name> (i/n)#attempt".
    private static final Pattern TASK = Pattern.compile("(.+) \\((\\d+)/(\\d+)\\)#(\\d+)");
    private static final Pattern DUMP_LINE = Pattern.compile("^\"(.*)\"(?: #\\d+)? .*?\\bnid=(0x[0-9a-fA-F]+|\\d+)",
            Pattern.MULTILINE);

    private final Path proc;
    private final long childPid;
    private final long ticksPerSecond;
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final Map<Integer, String> comms = new ConcurrentHashMap<>();   // at first sight: a native thread inherits its creator's
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ThreadCpu(Path proc, long childPid, long intervalMs) {
        this.proc = proc;
        this.childPid = childPid;
        this.ticksPerSecond = clockTicks();
        this.thread = new Thread(() -> loop(intervalMs), "bench-cpu");
        thread.setDaemon(true);
    }

    /** Starts sampling this process (and {@code childPid}'s total, unless it is -1) every {@code intervalMs}. */
    public static ThreadCpu start(long childPid, long intervalMs) {
        ThreadCpu cpu = new ThreadCpu(Path.of("/proc"), childPid, intervalMs);
        cpu.record();
        cpu.thread.start();
        return cpu;
    }

    private void loop(long intervalMs) {
        while (running) {
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
            record();
        }
    }

    private void record() {
        try {
            Snapshot s = snapshot();
            synchronized (snapshots) {
                snapshots.add(s);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("bench-cpu: " + e);   // a missed sample only widens the window around it
        }
    }

    /** Stops sampling after one last snapshot. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        record();
    }

    /** Reads every thread's ticks now; names threads first seen since the last snapshot from a thread dump. */
    Snapshot snapshot() throws IOException {
        long wall = System.currentTimeMillis();
        Map<Integer, Long> ticks = new HashMap<>();
        List<Integer> fresh = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                int tid = Integer.parseInt(t.getFileName().toString());
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (NoSuchFileException e) {
                    continue;   // exited between the listing and the read: the process total still has its time
                }
                ticks.put(tid, ticks(stat));
                if (comms.putIfAbsent(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))) == null) fresh.add(tid);
            }
        }
        long process = ticks(Files.readString(proc.resolve("self/stat")));
        long child = -1;
        if (childPid > 0) {
            try {
                child = ticks(Files.readString(proc.resolve(childPid + "/stat")));
            } catch (NoSuchFileException e) {
                child = -1;
            }
        }
        // A dump stops the world briefly, so only when threads appeared; native threads never appear in it.
        if (!fresh.isEmpty()) names.putAll(parseThreadDump(threadDump()));
        return new Snapshot(wall, process, ticks, child);
    }

    /** utime + stime of a /proc stat line; fields are counted after the last ')' since comm may hold spaces and ')'. */
    static long ticks(String stat) {
        long[] t = CpuTimes.userSystemTicks(stat);
        return t[0] + t[1];
    }

    /** Native thread id to thread name, from a HotSpot thread dump (Java threads and the JVM's own: GC, JIT, VM). */
    static Map<Integer, String> parseThreadDump(String dump) {
        Map<Integer, String> out = new HashMap<>();
        Matcher m = DUMP_LINE.matcher(dump);
        while (m.find()) {
            String nid = m.group(2);
            out.put(nid.startsWith("0x") ? Integer.parseInt(nid.substring(2), 16) : Integer.parseInt(nid), m.group(1));
        }
        return out;
    }

    private static String threadDump() {
        try {
            // jcmd's Thread.print in-process: the only JDK 17 way to learn a Java thread's native id.
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "threadPrint",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("thread dump: " + e, e);
        }
    }

    /**
     * Each thread's group: by its name, or for a native thread without one (an OpenMP/BLAS worker) by the thread that
     * created it, whose (15-character) name it inherits as comm; the learner's when that is unclear, since the
     * learner does almost all of the BLAS work. The launcher's primordial thread (tid = pid) only waits: "other".
     */
    static Map<Integer, String> groups(Map<Integer, String> names, Map<Integer, String> comms, int processId) {
        Map<Integer, String> out = new HashMap<>();
        for (Map.Entry<Integer, String> e : comms.entrySet()) {
            int tid = e.getKey();
            if (tid == processId) {
                out.put(tid, "other");
            } else if (names.containsKey(tid)) {
                out.put(tid, group(names.get(tid)));
            } else {
                Set<String> creators = new HashSet<>();
                names.values().stream().filter(n -> n.startsWith(e.getValue())).forEach(n -> creators.add(group(n)));
                out.put(tid, creators.size() == 1 ? creators.iterator().next() : LEARNER);
            }
        }
        return out;
    }

    /** The group a named thread's CPU counts towards (null: an unnamed native thread, counted as the learner's). */
    static String group(String name) {
        if (name == null) return LEARNER;
        Matcher task = TASK.matcher(name);
        if (task.matches() && !name.contains(" for ")) {   // " for ": flushers, triggers, fetchers named after a task
            List<String> ops = Arrays.stream(task.group(1).split("\\s*(->|,|\\(|\\))\\s*"))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (ops.contains("learner")) return LEARNER;
            if (ops.get(0).startsWith("Source: ") || ops.contains("decode") || ops.contains("augment")) return "decode-augment";
            if (ops.contains("embed")) return "embed";
            if (ops.contains("drift")) return "drift";
            return "sinks";
        }
        if (name.equals("contrastream-gemm")) return LEARNER;
        if (name.equals("main") || name.startsWith("bench-") || name.contains("| bench-")) return BENCH;
        if (name.startsWith("Source Data Fetcher for ")) return "kafka-source";
        if (name.startsWith("kafka-producer-network-thread")) return "sinks";   // the job's sinks' producers
        if (name.startsWith("kafka-")) return "kafka-source";   // the source enumerator's admin client
        // G1's pauses run as VM operations on the VM Thread, so it counts as GC here.
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) return "gc";
        if (name.contains("CompilerThread") || name.equals("Sweeper thread")) return "jit";
        // The asynchronous part of every checkpoint (state serialisation) runs on these, apart from its task.
        if (name.startsWith("AsyncOperations") || name.equals("Checkpoint Timer")) return "checkpoint";
        for (String p : List.of("flink-", "Flink-", "OutputFlusher for ", "Time Trigger for ", "System Time Trigger for ",
                "mini-cluster-io", "jobmanager", "taskmanager", "resourcemanager", "SourceCoordinator",
                "Checkpoint Timer", "IOManager", "BLOB Server", "CloseableReaperThread")) {
            if (name.startsWith(p)) return "flink-runtime";
        }
        return "other";
    }

    /** The CPU between two snapshots by group, in ticks; "other" takes the time of threads that exited in between. */
    static Map<String, Long> byGroup(Snapshot a, Snapshot b, Map<Integer, String> groups) {
        Map<String, Long> out = new TreeMap<>();
        long sum = 0;
        for (Map.Entry<Integer, Long> e : b.threadTicks().entrySet()) {
            long delta = e.getValue() - a.threadTicks().getOrDefault(e.getKey(), 0L);
            out.merge(groups.getOrDefault(e.getKey(), "other"), delta, Long::sum);
            sum += delta;
        }
        out.merge("other", Math.max(0, (b.processTicks() - a.processTicks()) - sum), Long::sum);
        return out;
    }

    /** The snapshots nearest inside [fromMs, toMs], or null when fewer than two fall inside. */
    public Snapshot[] window(long fromMs, long toMs) {
        synchronized (snapshots) {
            List<Snapshot> inside = snapshots.stream().filter(s -> s.wallMs() >= fromMs && s.wallMs() <= toMs).toList();
            return inside.size() < 2 ? null : new Snapshot[] {inside.get(0), inside.get(inside.size() - 1)};
        }
    }

    /**
     * The CPU between two snapshots as JSON fields, in core-µs per sample over {@code samples} (those embedded
     * between them): outside the learner, the learner, the benchmark itself, the broker, and the outside groups.
     */
    public String json(Snapshot[] w, long samples) {
        Map<String, Long> g = byGroup(w[0], w[1], groups());
        double perSample = 1e6 / ticksPerSecond / Math.max(1, samples);
        double seconds = (w[1].wallMs() - w[0].wallMs()) / 1000.0;
        long outside = OUTSIDE.stream().mapToLong(k -> g.getOrDefault(k, 0L)).sum();
        Map<String, String> groups = new LinkedHashMap<>();
        for (String k : OUTSIDE) groups.put(k, fmt(g.getOrDefault(k, 0L) * perSample));
        String child = w[0].childTicks() < 0 || w[1].childTicks() < 0 ? "null"
                : fmt((w[1].childTicks() - w[0].childTicks()) * perSample);
        return String.format("\"core_us_per_sample_outside_learner\": %s, \"learner_core_us_per_sample\": %s, "
                        + "\"bench_core_us_per_sample\": %s, \"broker_core_us_per_sample\": %s, \"cpu_groups\": {%s}, "
                        + "\"cpu_window\": {\"seconds\": %.1f, \"samples\": %d, \"process_cores\": %.2f, \"clock_ticks_per_s\": %d, "
                        + "\"load_average_1m\": %s}",
                fmt(outside * perSample), fmt(g.getOrDefault(LEARNER, 0L) * perSample),
                fmt(g.getOrDefault(BENCH, 0L) * perSample), child,
                String.join(", ", groups.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue()).toList()),
                seconds, samples, (w[1].processTicks() - w[0].processTicks()) / (double) ticksPerSecond / Math.max(1e-3, seconds),
                ticksPerSecond, loadAverage());
    }

    /** The 1-minute load average now (null without /proc): other work on the machine inflates CPU times. */
    private String loadAverage() {
        try {
            return Files.readString(proc.resolve("loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "null";
        }
    }

    private Map<Integer, String> groups() {
        return groups(names, comms, (int) ProcessHandle.current().pid());
    }

    /** One line per thread busy in the window, "group, core-ms, name", for checking the attribution by eye. */
    public List<String> describe(Snapshot[] w) {
        Map<Integer, String> groups = groups();
        List<String> out = new ArrayList<>();
        w[1].threadTicks().forEach((tid, t) -> {
            long ms = (t - w[0].threadTicks().getOrDefault(tid, 0L)) * 1000 / ticksPerSecond;
            String name = names.getOrDefault(tid, "[native " + tid + ", created by: " + comms.get(tid) + "]");
            if (ms > 0) out.add(String.format("%-14s %8d ms  %s", groups.get(tid), ms, name));
        });
        out.sort(null);
        return out;
    }

    private static String fmt(double v) {
        return String.format("%.1f", v);
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;   // USER_HZ is 100 on every mainstream Linux build
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
