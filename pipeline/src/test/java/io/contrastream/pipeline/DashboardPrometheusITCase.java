package io.contrastream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.cli.Environments;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.pipeline.testkit.LocalKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every query of the Grafana dashboard, run through a real Prometheus that scrapes Flink's PrometheusReporter while
 * the real job runs on a MiniCluster against a real broker and a live stream: each must evaluate and return data.
 */
class DashboardPrometheusITCase {

    /** Valid samples the job must have decoded, embedded and windowed before the dashboard is queried. */
    private static final int VALID = 800;
    private static final int SHIFT_AT = VALID / 2;
    private static final int BAD_EVERY = 10;
    private static final double RATE = 100;   // records per second: a live stream, so rates and the newest window are current
    private static final int DIM = 16;
    private static final int DRIFT_WINDOW = 100;
    private static final long SEED = 23;
    private static final String JOB_NAME = "contrastream-dashboard-it";
    /** The job's name as Flink's reporter labels it: it rewrites label values like metric names ('-' becomes '_'). */
    private static final String JOB_LABEL = JOB_NAME.replaceAll("[^a-zA-Z0-9:_]", "_");
    /** Flink's Prometheus reporter names an operator metric flink_taskmanager_job_task_operator_<name>. */
    private static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "dashboards", "contrastream.json");

    private static Path prometheusBinary;
    private static LocalKafka kafka;
    private static Feed feed;
    private static JobClient job;
    private static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        prometheusBinary = PrometheusServer.binary().orElse(null);
        if (prometheusBinary != null) kafka = LocalKafka.start(Path.of("target", "it-kafka-dash-" + System.nanoTime()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (feed != null) feed.close();
            if (job != null) job.cancel().get(30, TimeUnit.SECONDS);
        } finally {
            if (prometheus != null) prometheus.close();
            if (kafka != null) kafka.close();
        }
    }

    @Test
    void everyDashboardQueryReturnsDataWhileTheJobRuns() throws Exception {
        // Assumed here rather than in @BeforeAll, so the report counts the test as skipped, with this message.
        Assumptions.assumeTrue(prometheusBinary != null,
                "no prometheus binary on PATH: run bin/install-tools (it installs Debian's prometheus package) to run this test");
        JobConfig config = JobConfig.defaults()
                .with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(JobParams.SAMPLES_TOPIC, "dash-samples").with(JobParams.EMBEDDINGS_TOPIC, "dash-embeddings")
                .with(JobParams.DRIFT_TOPIC, "dash-drift").with(JobParams.DEAD_LETTER_TOPIC, "dash-dead")
                .with(JobParams.SNAPSHOT_TOPIC, "dash-snapshots").with(JobParams.GROUP_ID, "dash-" + System.nanoTime())
                .with(JobParams.SEED, SEED)
                .with(JobParams.INPUT_SHAPE, new int[] {DIM}).with(JobParams.HIDDEN, new int[] {32})
                .with(JobParams.EMBEDDING_DIM, 16).with(JobParams.PROJECTION_DIM, 16)
                .with(JobParams.BATCH_SIZE, 32).with(JobParams.QUEUE_SIZE, 256).with(JobParams.SNAPSHOT_EVERY, 3)
                .with(JobParams.SERVING_WARMUP_STEPS, 0).with(JobParams.SERVING_WARMUP_PLATEAU, 0.0)   // a few hundred samples: serve from the first steps
                .with(JobParams.DRIFT_WINDOW, DRIFT_WINDOW).with(JobParams.DRIFT_ALARM_LEVEL, 0.05).with(JobParams.DRIFT_PERMUTATIONS, 50)
                .with(JobParams.CHECKPOINT_INTERVAL_MS, 1000L)
                .with(JobParams.CHECKPOINT_DIR, Path.of("target", "dash-checkpoints-" + System.nanoTime()).toAbsolutePath().toUri().toString());
        kafka.createTopics(Map.of("dash-samples", 2, "dash-embeddings", 2, "dash-drift", 1, "dash-dead", 1), Map.of());
        kafka.createTopics(Map.of("dash-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));

        feed = Feed.start(config);

        // Unbounded, so the job (and with it every metric) is still there when the dashboard's queries run.
        int reporterPort = LocalKafka.freePort();
        Configuration flink = new Configuration();
        flink.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString("metrics.reporter.prom.port", Integer.toString(reporterPort));
        StreamExecutionEnvironment env = Environments.local(config, 2, flink);
        ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config);
        job = env.executeAsync(JOB_NAME);
        prometheus = PrometheusServer.start(prometheusBinary, Path.of("target", "it-prometheus-" + System.nanoTime()), "127.0.0.1:" + reporterPort);

        awaitEverythingScraped();

        GrafanaDashboard dashboard = GrafanaDashboard.load(DASHBOARD);
        assertTrue(dashboard.targets().size() >= 30, "the dashboard's queries were all found: " + dashboard.targets().size());
        Map<String, String> variables = resolveVariables(dashboard);
        // A drift gauge is NaN while the newest window saw no learner step; the live stream closes another one within
        // seconds, so a query gets a few more rounds before it counts as broken.
        List<String> problems = checkAll(dashboard, variables);
        long deadline = System.currentTimeMillis() + 20_000;
        while (!problems.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            problems = checkAll(dashboard, variables);
        }
        assertTrue(problems.isEmpty(), problems.size() + " of " + dashboard.targets().size()
                + " dashboard queries fail against the running job:\n" + String.join("\n", problems));
    }

    private static List<String> checkAll(GrafanaDashboard dashboard, Map<String, String> variables) throws Exception {
        List<String> problems = new ArrayList<>();
        for (GrafanaDashboard.Target t : dashboard.targets()) {
            String problem = check(t, variables);
            if (problem != null) problems.add("panel '" + t.panel() + "' (" + t.refId() + "): " + problem + "\n    " + t.expr());
        }
        return problems;
    }

    /**
     * Polls Prometheus until the job's metrics show {@link #VALID} samples decoded and embedded, bad records
     * dead-lettered, drift windows closed on both sides of the shift and the learner stepping, and each operator's
     * series have at least two samples in the last minute (so rate() over [1m] or [5m] has something to work with).
     */
    private static void awaitEverythingScraped() throws Exception {
        Map<String, Double> want = new LinkedHashMap<>();
        want.put("sum(" + metric(Metrics.DECODE_VALID) + ")", (double) VALID);
        want.put("sum(" + metric(Metrics.DECODE_DEAD_LETTERS) + ")", (double) (VALID / BAD_EVERY));
        want.put("sum(" + metric(Metrics.EMBED_EMBEDDINGS) + ")", (double) VALID);
        want.put("sum(" + metric(Metrics.DRIFT_WINDOWS) + ")", (double) (VALID / DRIFT_WINDOW));
        want.put("max(" + metric(Metrics.LEARNER_STEP) + ")", 1.0);
        // One metric of each operator stands for all of its own: an operator registers them all when it opens.
        for (String name : List.of(Metrics.DECODE_VALID, Metrics.LEARNER_STEP, Metrics.EMBED_EMBEDDINGS, Metrics.DRIFT_WINDOWS)) {
            want.put("min(count_over_time(" + metric(name) + "[1m]))", 2.0);
        }
        Map<String, Double> seen = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + 150_000;
        while (System.currentTimeMillis() < deadline) {
            feed.check();
            if (job.getJobStatus().get().isTerminalState()) fail("the job stopped: " + job.getJobStatus().get());
            for (String q : want.keySet()) seen.put(q, prometheus.value(q));
            if (want.keySet().stream().allMatch(q -> seen.get(q) >= want.get(q))) return;
            Thread.sleep(500);
        }
        fail("Prometheus never saw the whole run; wanted at least " + want + ", last saw " + seen + "\nprometheus log:\n" + prometheus.logTail());
    }

    /** The value of every template variable as Grafana would resolve it; a query variable must offer this job. */
    private static Map<String, String> resolveVariables(GrafanaDashboard dashboard) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (GrafanaDashboard.Variable v : dashboard.variables()) {
            assertEquals("query", v.type(), "only query variables are resolved here: " + v);
            GrafanaDashboard.LabelValues lv = GrafanaDashboard.labelValues(v.query());
            assertNotNull(lv, "variable $" + v.name() + ": not a label_values(...) query: " + v.query());
            List<String> options = prometheus.labelValues(lv.label(), lv.match());
            assertTrue(options.contains(JOB_LABEL), "variable $" + v.name() + " = " + v.query() + " offers " + options + ", not " + JOB_LABEL);
            values.put(v.name(), GrafanaDashboard.regexValue(JOB_LABEL));
        }
        assertFalse(values.isEmpty(), "the dashboard has its job variable");
        return values;
    }

    /** What is wrong with one target's query against the running job, or null if it returns data Grafana can plot. */
    private static String check(GrafanaDashboard.Target t, Map<String, String> variables) throws Exception {
        String expr;
        try {
            expr = GrafanaDashboard.interpolate(t.expr(), variables);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        JsonNode result;
        try {
            result = prometheus.query(expr);
        } catch (PrometheusServer.QueryException e) {
            return "Prometheus error " + e.getMessage();
        }
        if (result.isEmpty()) return "no series";
        boolean finite = false;
        for (JsonNode series : result) finite |= Double.isFinite(Double.parseDouble(series.path("value").get(1).asText()));
        if (!finite) return "only NaN/Inf values: " + result;
        for (String label : t.legendLabels()) {
            for (JsonNode series : result) {
                if (!series.path("metric").has(label)) return "legend names {{" + label + "}}, a label the result lacks: " + series.path("metric");
            }
        }
        return null;
    }

    private static String metric(String name) {
        return OPERATOR_SCOPE + name + "{job_name=\"" + JOB_LABEL + "\"}";
    }

    /**
     * The live input: valid samples with a distribution shift at {@link #SHIFT_AT} (so the drift gauges move) and a
     * bad record of each kind in turn every {@link #BAD_EVERY}, sent at {@link #RATE} by a thread until closed.
     */
    private static final class Feed implements AutoCloseable {
        private final Thread thread;
        private final AtomicReference<Throwable> error = new AtomicReference<>();
        private volatile boolean stop;

        private Feed(JobConfig config) {
            SyntheticStream stream = new SyntheticStream(DIM, 4, SHIFT_AT, SEED);
            thread = new Thread(() -> {
                try (SampleProducer out = new SampleProducer(config.kafkaProperties(), config.get(JobParams.SAMPLES_TOPIC), RATE)) {
                    for (int i = 0, bad = 0; !stop; i++) {
                        SyntheticStream.Example e = stream.example(i);
                        out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {DIM}, e.values(), e.label()));
                        if (i % BAD_EVERY == 0) out.sendBytes("bad-" + i, BadRecords.make(bad++, new int[] {DIM}, SEED));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "dashboard-it-feed");
        }

        static Feed start(JobConfig config) {
            Feed f = new Feed(config);
            f.thread.start();
            return f;
        }

        /** Fails the test if the producer failed. */
        void check() {
            if (error.get() != null) throw new AssertionError("the feed failed", error.get());
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(30_000);
        }
    }
}
