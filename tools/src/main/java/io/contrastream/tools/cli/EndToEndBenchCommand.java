package io.contrastream.tools.cli;

import io.contrastream.pipeline.cli.Progress;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.schema.DriftReport;
import io.contrastream.tools.bench.ThreadCpu;
import io.contrastream.tools.local.LocalRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end benchmark through a real broker with training on: steady-state samples/s from the samples topic to the
 * embeddings topic, then the p50/p99 latency from a sample's append time to its embedding's append time at half that
 * rate, then (optionally) heap, off-heap and RSS sampled over a long run. Over the throughput phase's steady window it
 * also splits the process's CPU by thread ({@link ThreadCpu}): core-µs per sample in the learner and outside it.
 * Prints one JSON object.
 */
@Command(name = "bench-e2e", mixinStandardHelpOptions = true, sortOptions = false,
        description = "End-to-end throughput, latency and memory of the job (MLP 784-512-256 -> 128, batch 256, K 4096).")
public final class EndToEndBenchCommand implements Callable<Integer> {

    @Option(names = "--warmup-samples", description = "Samples sent and embedded before the throughput phase, unmeasured: "
            + "the JIT still compiles for minutes after the start (default: ${DEFAULT-VALUE})", defaultValue = "150000")
    int warmupSamples;

    @Option(names = "--samples", description = "Samples for the throughput phase (default: ${DEFAULT-VALUE})", defaultValue = "150000")
    int samples;

    @Option(names = "--latency-seconds", description = "Length of the latency phase (default: ${DEFAULT-VALUE})", defaultValue = "30")
    int latencySeconds;

    @Option(names = "--memory-minutes", description = "Length of the memory phase, 0 = skip (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int memoryMinutes;

    @Option(names = "--train-max-busy", description = "The job's --train-max-busy: 1 trains on every sample (default: ${DEFAULT-VALUE})", defaultValue = "1.0")
    double trainMaxBusy;

    @Option(names = "--show-threads", description = "List each thread's CPU group and CPU time in the steady window on stderr")
    boolean showThreads;

    @Option(names = "--work-dir", description = "Broker data (default: ${DEFAULT-VALUE})", defaultValue = ".data/bench-e2e")
    Path workDir;

    private static final int DIM = 784;
    private final Map<String, Long> sampleAppend = new ConcurrentHashMap<>();
    private final List<long[]> arrivals = java.util.Collections.synchronizedList(new ArrayList<>());   // {append ms, latency ms or -1}
    private final List<long[]> reports = java.util.Collections.synchronizedList(new ArrayList<>());   // {read ms, learner step}
    private JobConfig config;   // the job as this bench runs it, on its broker

    @Override
    public Integer call() throws Exception {
        Locale.setDefault(Locale.ROOT);
        try (LocalRun local = LocalRun.start(workDir)) {
            config = local.connect(JobConfig.defaults())
                    .with(JobParams.INPUT_SHAPE, new int[] {DIM}).with(JobParams.HIDDEN, new int[] {512})
                    .with(JobParams.EMBEDDING_DIM, 256).with(JobParams.PROJECTION_DIM, 128).with(JobParams.BATCH_SIZE, 256)
                    .with(JobParams.QUEUE_SIZE, 4096).with(JobParams.DRIFT_WINDOW, 5000).with(JobParams.SNAPSHOT_TOPIC, "")
                    // Latency as a read_uncommitted consumer sees it; exactly-once adds up to one checkpoint interval.
                    .with(JobParams.DELIVERY, JobParams.Delivery.AT_LEAST_ONCE)
                    .with(JobParams.TRAIN_MAX_BUSY, trainMaxBusy);
            local.createTopics(config, Map.of("message.timestamp.type", "LogAppendTime"));
            local.startJob(config, "contrastream-bench-e2e");
            Thread reader = new Thread(this::read, "bench-reader");
            reader.setDaemon(true);
            reader.start();

            float[][] pool = new float[512][DIM];
            SplittableRandom rng = new SplittableRandom(1);
            for (float[] row : pool) for (int j = 0; j < DIM; j++) row[j] = (float) rng.nextDouble();
            try (KafkaProducer<byte[], byte[]> producer = producer(config.kafkaProperties())) {
                if (warmupSamples > 0) {
                    send(producer, pool, -warmupSamples, warmupSamples, 0, "warm-up: send");
                    waitFor(warmupSamples, 900, "warm-up: embedded");
                    arrivals.clear();
                    reports.clear();
                }
                // Throughput: as fast as possible; the steady state is the middle of the arrivals.
                ThreadCpu cpu = ThreadCpu.start(local.kafka().pid(), 1000);
                send(producer, pool, 0, samples, 0, "throughput: send");
                waitFor(samples, 600, "throughput: embedded");
                cpu.close();
                double throughput = steadyRate();
                String cpuJson = cpuJson(cpu);
                double trained = trainedRate(config.get(JobParams.BATCH_SIZE));
                // Latency at half that rate.
                arrivals.clear();
                int n = (int) (throughput / 2 * latencySeconds);
                send(producer, pool, samples, n, throughput / 2, "latency: send");
                waitFor(n, 300, "latency: embedded");
                long[] lat = arrivals.stream().skip(n / 6).mapToLong(a -> a[1]).filter(l -> l >= 0).sorted().toArray();
                String memory = memoryMinutes > 0 ? memory(producer, pool, samples + n, throughput / 2) : "null";
                System.out.printf("{\"samples_per_s\": %.1f, \"trained_samples_per_s\": %s, \"train_max_busy\": %s, "
                        + "\"latency_rate\": %.1f, \"p50_ms\": %d, \"p99_ms\": %d, "
                        + "\"latency_samples\": %d, %s, \"memory\": %s}%n", throughput,
                        Double.isNaN(trained) ? "null" : String.format("%.1f", trained), trainMaxBusy, throughput / 2,
                        lat[lat.length / 2], lat[(int) (lat.length * 0.99)], lat.length, cpuJson, memory);
            }
        }
        return 0;
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        p.setProperty("linger.ms", "5");
        p.setProperty("acks", "1");
        p.setProperty("client.id", "bench-producer");   // names its network thread, so ThreadCpu counts it as the bench's
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends n samples at {@code rate} (0: as fast as possible), under a progress line named {@code what} unless null. */
    private void send(KafkaProducer<byte[], byte[]> producer, float[][] pool, int from, int n, double rate, String what)
            throws InterruptedException {
        Progress progress = what == null ? null : new Progress(what, n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (rate > 0) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String id = "b" + (from + i);
            byte[] value = AvroCodec.encode(SampleProducer.sample(id, System.currentTimeMillis(), new int[] {DIM}, pool[i % pool.length], null));
            producer.send(new ProducerRecord<>(config.get(JobParams.SAMPLES_TOPIC), id.getBytes(StandardCharsets.UTF_8), value),
                    (meta, e) -> { if (e == null) sampleAppend.put(id, meta.timestamp()); });
            if (progress != null) progress.update(i + 1);
        }
        producer.flush();
        if (progress != null) progress.finish(n);
    }

    private void read() {
        Properties p = config.kafkaProperties();
        p.setProperty("group.id", "bench-" + System.nanoTime());
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("client.id", "bench-reader");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String drift = config.get(JobParams.DRIFT_TOPIC);
            c.subscribe(List.of(config.get(JobParams.EMBEDDINGS_TOPIC), drift));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(drift)) {
                        try {
                            reports.add(new long[] {System.currentTimeMillis(), AvroCodec.decode(DriftReport.getDecoder(), r.value()).getLearnerStep()});
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        continue;
                    }
                    Long sent = sampleAppend.remove(new String(r.key(), StandardCharsets.UTF_8));
                    arrivals.add(new long[] {r.timestamp(), sent == null ? -1 : r.timestamp() - sent});
                }
            }
        }
    }

    private void waitFor(int n, int timeoutSeconds, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        Progress progress = new Progress(what, n);
        while (arrivals.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            progress.update(arrivals.size());
        }
        progress.finish(arrivals.size());
        if (arrivals.size() < n) throw new IllegalStateException("only " + arrivals.size() + " of " + n + " embeddings arrived");
    }

    /**
     * Samples trained on per second over the same steady window as {@link #steadyRate}, from the learner step of the
     * drift reports read in it (every drift window; NaN when fewer than two fall inside).
     */
    private double trainedRate(int batchSize) {
        long[] t = arrivals.stream().mapToLong(a -> a[0]).sorted().toArray();
        long lo = t[(int) (t.length * 0.2)];
        long hi = t[(int) (t.length * 0.9)];
        List<long[]> inside;
        synchronized (reports) {
            inside = reports.stream().filter(r -> r[0] >= lo && r[0] <= hi).toList();
        }
        if (inside.size() < 2) return Double.NaN;
        long[] first = inside.get(0);
        long[] last = inside.get(inside.size() - 1);
        return (last[1] - first[1]) * batchSize * 1000.0 / Math.max(1, last[0] - first[0]);
    }

    /**
     * The CPU fields over the sampler's snapshots inside the steady window of {@link #steadyRate}, per sample embedded
     * between those two snapshots.
     */
    private String cpuJson(ThreadCpu cpu) {
        long[] t = arrivals.stream().mapToLong(a -> a[0]).sorted().toArray();
        ThreadCpu.Snapshot[] w = cpu.window(t[(int) (t.length * 0.2)], t[(int) (t.length * 0.9)]);
        if (w == null) return "\"core_us_per_sample_outside_learner\": null";
        if (showThreads) cpu.describe(w).forEach(System.err::println);
        long from = w[0].wallMs();
        long to = w[1].wallMs();
        return cpu.json(w, Arrays.stream(t).filter(x -> x >= from && x <= to).count());
    }

    /** Embeddings per second between the 20th and 90th percentile of arrivals (append times). */
    private double steadyRate() {
        long[] t = arrivals.stream().mapToLong(a -> a[0]).sorted().toArray();
        int lo = (int) (t.length * 0.2);
        int hi = (int) (t.length * 0.9);
        return (hi - lo) * 1000.0 / Math.max(1, t[hi] - t[lo]);
    }

    private String memory(KafkaProducer<byte[], byte[]> producer, float[][] pool, int from, double rate) throws Exception {
        List<long[]> series = new ArrayList<>();
        long end = System.currentTimeMillis() + memoryMinutes * 60_000L;
        int chunk = (int) (rate * 10);
        int sent = from;
        while (System.currentTimeMillis() < end) {
            send(producer, pool, sent, chunk, rate, null);
            sent += chunk;
            series.add(sampleMemory());
        }
        return String.format("{\"interval_s\": 10, \"rss_heap_physical_offheap_mb\": %s, \"rss_mb_start\": %d, \"rss_mb_end\": %d}",
                series.stream().map(Arrays::toString).toList(), series.get(0)[0], series.get(series.size() - 1)[0]);
    }

    /**
     * RSS, used heap, JavaCPP's reading of the process's physical memory, and the off-heap bytes ND4J holds through
     * JavaCPP ({@code Pointer.totalBytes()}: what would grow if arrays leaked), in MB.
     */
    private static long[] sampleMemory() throws java.io.IOException {
        long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).findFirst().orElse(-1);
        Runtime rt = Runtime.getRuntime();
        return new long[] {rss, (rt.totalMemory() - rt.freeMemory()) >> 20, org.bytedeco.javacpp.Pointer.physicalBytes() >> 20,
                org.bytedeco.javacpp.Pointer.totalBytes() >> 20};
    }
}
