package io.contrastream.tools.cli;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.cli.JobOptions;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.pipeline.testkit.OutputReader;
import io.contrastream.pipeline.ui.LivePage;
import io.contrastream.tools.local.LocalRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The one-command demo: a real Kafka broker as a child process, the job on a local MiniCluster, a generated stream
 * with class structure, bad records and a distribution shift half-way, live progress, and a summary at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Start a local Kafka broker and the job, stream a generated dataset with a shift, print a summary.")
public final class DemoCommand implements Callable<Integer> {

    /** The job options the demo lets you change; the Kafka ones are fixed by the demo's own broker. */
    static final List<Param<?>> PARAMS = JobParams.ALL.stream()
            .filter(p -> !List.of(JobParams.BOOTSTRAP_SERVERS, JobParams.KAFKA_PROPERTIES, JobParams.BOUNDED,
                    JobParams.START_FROM, JobParams.INPUT_SHAPE, JobParams.GROUP_ID).contains(p))
            .toList();

    /** The demo serves the live page by default, on any free port (it prints the address). */
    static final Map<Param<?>, Object> DEFAULTS = Map.of(JobParams.UI_PORT, 0);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--samples", description = "Valid samples to stream (default: ${DEFAULT-VALUE})", defaultValue = "30000")
    int samples;

    @Option(names = "--bad-every", description = "Send one bad record after every N valid ones (default: ${DEFAULT-VALUE})", defaultValue = "100")
    int badEvery;

    @Option(names = "--rate", description = "Samples per second, 0 = as fast as possible (default: ${DEFAULT-VALUE})", defaultValue = "2000")
    double rate;

    @Option(names = "--dim", description = "Features per generated sample (default: ${DEFAULT-VALUE})", defaultValue = "32")
    int dim;

    @Option(names = "--classes", description = "Classes in the generated data (default: ${DEFAULT-VALUE})", defaultValue = "8")
    int classes;

    @Option(names = "--work-dir", description = "Broker data and logs (default: ${DEFAULT-VALUE})", defaultValue = ".data/demo")
    Path workDir;

    @Option(names = "--timeout-s", description = "Give up after this many seconds (default: ${DEFAULT-VALUE})", defaultValue = "900")
    int timeoutSeconds;

    @Option(names = "--page-hold-s", description = "Keep the live page up this many seconds after the summary, to look at the final charts (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int pageHoldSeconds;

    @Override
    public Integer call() throws Exception {
        check(samples >= 1000 && samples <= 10_000_000, "--samples", samples, "an integer in [1000, 10000000]");
        check(badEvery >= 1, "--bad-every", badEvery, "an integer >= 1");
        check(rate >= 0 && Double.isFinite(rate), "--rate", rate, "a number >= 0");
        check(dim >= 4 && dim <= 4096, "--dim", dim, "an integer in [4, 4096]");
        check(classes >= 2 && classes <= 1000, "--classes", classes, "an integer in [2, 1000]");
        check(pageHoldSeconds >= 0, "--page-hold-s", pageHoldSeconds, "an integer >= 0");
        JobConfig config = JobOptions.read(spec, PARAMS, DEFAULTS).with(JobParams.INPUT_SHAPE, new int[] {dim});

        System.out.println("Starting a Kafka broker (Apache Kafka, KRaft, child process) in " + workDir + " ...");
        try (LocalRun local = LocalRun.start(workDir)) {
            config = local.connect(config);
            local.createTopics(config, Map.of());
            System.out.println("Broker up at " + local.kafka().bootstrapServers() + "; starting the Flink job on a local MiniCluster ...");
            try (LivePage page = config.get(JobParams.UI_PORT) >= 0 ? LivePage.start(config) : null) {
                if (page != null) System.out.println("Live page: " + page.url());
                return stream(local, config, page);
            }
        }
    }

    /** Runs the job, streams the generated data, prints progress and the summary; the exit code. */
    private int stream(LocalRun local, JobConfig config, LivePage page) throws Exception {
        JobClient job = local.startJob(config, "contrastream-demo");

        SyntheticStream stream = new SyntheticStream(dim, classes, samples / 2, config.get(JobParams.SEED));
        long t0 = System.currentTimeMillis();
        AtomicLong sentValid = new AtomicLong();
        AtomicLong sentBad = new AtomicLong();
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try (SampleProducer out = new SampleProducer(config.kafkaProperties(), config.get(JobParams.SAMPLES_TOPIC), rate)) {
                for (int i = 0; i < samples; i++) {
                    SyntheticStream.Example e = stream.example(i);
                    out.send(SampleProducer.sample(e.id(), t0 + i, new int[] {dim}, e.values(), e.label()));
                    sentValid.incrementAndGet();
                    if ((i + 1) % badEvery == 0) {
                        out.sendBytes("bad-" + i, BadRecords.make((int) sentBad.get(), new int[] {dim}, config.get(JobParams.SEED)));
                        sentBad.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                producerError.set(t);
            }
        }, "demo-producer");
        producer.start();

        DemoReport report = new DemoReport(config, stream, t0);
        try (OutputReader reader = new OutputReader(config.kafkaProperties(), config.get(JobParams.EMBEDDINGS_TOPIC),
                config.get(JobParams.DRIFT_TOPIC), config.get(JobParams.DEAD_LETTER_TOPIC), config.get(JobParams.SNAPSHOT_TOPIC))) {
            long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
            long nextPrint = 0;
            while (System.currentTimeMillis() < deadline) {
                reader.poll(Duration.ofMillis(500));
                if (producerError.get() != null) throw new IllegalStateException("producer failed", producerError.get());
                boolean done = !producer.isAlive() && reader.embeddedIds().size() >= sentValid.get()
                        && reader.deadLetters() >= sentBad.get();
                if (System.currentTimeMillis() >= nextPrint || done) {
                    report.progress(sentValid.get() + sentBad.get(), reader);
                    nextPrint = System.currentTimeMillis() + 2000;
                }
                if (done) break;
                if (job.getJobStatus().get().isTerminalState()) {
                    throw new IllegalStateException("the job stopped early: " + job.getJobStatus().get());
                }
            }
            // Let the last drift window and snapshot land before stopping the job.
            for (int i = 0; i < 6; i++) reader.poll(Duration.ofMillis(500));
            local.stopJob();
            int code = report.summary(sentValid.get(), sentBad.get(), reader) ? 0 : 1;
            holdPage(page);
            return code;
        }
    }

    /**
     * Keeps the page up for {@code --page-hold-s} after the summary. An interrupt ends the wait early and is consumed
     * here on purpose: it means "stop holding", and the broker and page still need closing without one pending.
     */
    private void holdPage(LivePage page) {
        if (page == null || pageHoldSeconds == 0) return;
        System.out.printf("The live page stays up for %d s more at %s (Ctrl-C ends the demo)%n", pageHoldSeconds, page.url());
        try {
            Thread.sleep(pageHoldSeconds * 1000L);
        } catch (InterruptedException e) {
            System.out.println("Live page closed early.");
        }
    }

    private void check(boolean ok, String option, Object value, String allowed) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": '" + value + "' is not allowed; expected " + allowed);
        }
    }
}
