package io.contrastream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.pipeline.cli.Environments;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.KafkaIo;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.pipeline.testkit.LocalKafka;
import io.contrastream.pipeline.testkit.OutputReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/**
 * A broker that only speaks SASL/PLAIN: the job, given the credentials once in {@code --kafka-properties}, must reach
 * it from every client (source, the four transactional sinks), and the password must appear in no log line, with
 * every logger at INFO.
 */
class SaslITCase {

    @Test
    void securitySettingsReachEveryClientAndTheSecretNoLog() throws Exception {
        String password = "pw-" + Long.toHexString(System.nanoTime()) + "-never-logged";
        List<String> logged = new CopyOnWriteArrayList<>();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration logConfig = ctx.getConfiguration();
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent e) {
                logged.add(e.getMessage().getFormattedMessage() + (e.getThrown() == null ? "" : " " + e.getThrown()));
            }
        };
        capture.start();
        Map<String, Level> levels = new java.util.HashMap<>();
        logConfig.getLoggers().forEach((name, lc) -> levels.put(name, lc.getLevel()));
        for (LoggerConfig lc : logConfig.getLoggers().values()) {
            lc.setLevel(Level.INFO);
            lc.addAppender(capture, Level.INFO, null);
        }
        ctx.updateLoggers();
        try (LocalKafka kafka = LocalKafka.start(Path.of("target", "it-kafka-sasl-" + System.nanoTime()), "contrastream", password)) {
            JobConfig config = JobConfig.defaults()
                    .with(JobParams.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .with(JobParams.KAFKA_PROPERTIES, kafka.securityProperties())
                    .with(JobParams.SAMPLES_TOPIC, "s-samples").with(JobParams.EMBEDDINGS_TOPIC, "s-embeddings")
                    .with(JobParams.DRIFT_TOPIC, "s-drift").with(JobParams.DEAD_LETTER_TOPIC, "s-dead")
                    .with(JobParams.SNAPSHOT_TOPIC, "s-snapshots").with(JobParams.GROUP_ID, "s-" + System.nanoTime())
                    .with(JobParams.BOUNDED, true).with(JobParams.DELIVERY, JobParams.Delivery.EXACTLY_ONCE)
                    .with(JobParams.INPUT_SHAPE, new int[] {8}).with(JobParams.HIDDEN, new int[] {16})
                    .with(JobParams.EMBEDDING_DIM, 8).with(JobParams.PROJECTION_DIM, 8)
                    .with(JobParams.BATCH_SIZE, 32).with(JobParams.QUEUE_SIZE, 128).with(JobParams.SNAPSHOT_EVERY, 2)
                .with(JobParams.SERVING_WARMUP_STEPS, 0).with(JobParams.SERVING_WARMUP_PLATEAU, 0.0)   // a few hundred samples: serve from the first steps
                    .with(JobParams.DRIFT_WINDOW, 100).with(JobParams.DRIFT_ALARM_LEVEL, 0.05).with(JobParams.DRIFT_PERMUTATIONS, 20)
                    .with(JobParams.CHECKPOINT_INTERVAL_MS, 500L);
            kafka.createTopics(Map.of("s-samples", 2, "s-embeddings", 2, "s-drift", 1, "s-dead", 1), Map.of());
            kafka.createTopics(Map.of("s-snapshots", 1), Map.of("max.message.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES)));
            SyntheticStream stream = new SyntheticStream(8, 2, -1, 3);
            try (SampleProducer out = new SampleProducer(config.kafkaProperties(), "s-samples", 0)) {
                for (int i = 0; i < 300; i++) {
                    SyntheticStream.Example e = stream.example(i);
                    out.send(SampleProducer.sample(e.id(), 1000 + i, new int[] {8}, e.values(), e.label()));
                    if (i % 10 == 0) out.sendBytes("bad-" + i, BadRecords.make(i / 10, new int[] {8}, 3));
                }
            }
            StreamExecutionEnvironment env = Environments.local(config, 2);
            ContrastiveJob.build(env, KafkaIo.source(config), ContrastiveJob.Sinks.kafka(config), config);
            env.execute("contrastream-sasl-it");

            try (OutputReader reader = new OutputReader(config.kafkaProperties(), "s-embeddings", "s-drift", "s-dead", "s-snapshots")) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < deadline && (reader.embeddings() < 300 || reader.deadLetters() < 30
                        || reader.newestSnapshot() == null || reader.driftReports().size() < 3)) {
                    reader.poll(Duration.ofMillis(500));
                }
                assertEquals(300, reader.embeddings(), "the source and the embeddings sink authenticated");
                assertEquals(30, reader.deadLetters(), "the dead-letter sink authenticated");
                assertTrue(reader.newestSnapshot() != null, "the snapshot sink authenticated");
                assertEquals(3, reader.driftReports().size(), "the drift sink authenticated");
            }
        } finally {
            for (LoggerConfig lc : logConfig.getLoggers().values()) {
                lc.removeAppender("capture");
                lc.setLevel(levels.get(lc.getName()));
            }
            ctx.updateLoggers();
        }
        assertTrue(logged.size() > 100, "the capture saw the job's INFO logs: " + logged.size());
        assertTrue(logged.stream().anyMatch(l -> l.contains("sasl.jaas.config")), "the clients logged their (masked) settings");
        List<String> leaks = logged.stream().filter(l -> l.contains(password)).toList();
        assertTrue(leaks.isEmpty(), "the password was logged: " + leaks.stream().limit(3).toList());
    }
}
