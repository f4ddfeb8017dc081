package io.contrastream.pipeline.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Kafka broker (Apache Kafka's own server, KRaft mode) run as a child JVM: what the demo and the
 * integration tests talk to. Its storage and log live in the given directory; {@link #close} stops the process.
 */
public final class LocalKafka implements AutoCloseable {

    private volatile Process process;
    private final String bootstrap;
    private final Path dir;
    private final Properties clientSecurity;

    private LocalKafka(Process process, String bootstrap, Path dir, Properties clientSecurity) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.dir = dir;
        this.clientSecurity = clientSecurity;
    }

    /** Formats storage under {@code dir}, starts the broker and waits until it answers (at most 90 s). */
    public static LocalKafka start(Path dir) throws IOException, InterruptedException {
        return start(dir, null, null);
    }

    /**
     * As {@link #start(Path)}, but when {@code user} is given the client listener requires SASL/PLAIN authentication
     * as that user with that password (for tests that security settings reach every client).
     */
    public static LocalKafka start(Path dir, String user, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        boolean sasl = user != null;
        String listener = sasl ? "SASL_PLAINTEXT" : "PLAINTEXT";
        Properties clientSecurity = new Properties();
        List<String> security = new ArrayList<>();
        if (sasl) {
            String module = "org.apache.kafka.common.security.plain.PlainLoginModule required ";
            security.addAll(List.of("inter.broker.listener.name=SASL_PLAINTEXT", "sasl.enabled.mechanisms=PLAIN",
                    "sasl.mechanism.inter.broker.protocol=PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config=" + module + "username=\"" + user + "\" password=\""
                            + password + "\" user_" + user + "=\"" + password + "\";"));
            clientSecurity.setProperty("security.protocol", "SASL_PLAINTEXT");
            clientSecurity.setProperty("sasl.mechanism", "PLAIN");
            clientSecurity.setProperty("sasl.jaas.config", module + "username=\"" + user + "\" password=\"" + password + "\";");
        }
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=" + listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + listener + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=" + listener + ":" + listener + ",CONTROLLER:PLAINTEXT",
                String.join("\n", security),
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "message.max.bytes=67108864",
                "") );
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.file.ref=file",
                "appender.file.type=File",
                "appender.file.name=file",
                "appender.file.fileName=" + dir.resolve("broker.log").toAbsolutePath(),
                "appender.file.layout.type=PatternLayout",
                "appender.file.layout.pattern=%d %p %c{1} %m%n",
                ""));
        String clusterId = Uuid.randomUuid().toString();
        Process format = java(dir, log4j, "kafka.tools.StorageTool", "format", "--standalone", "-t", clusterId, "-c", props.toString())
                .redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IOException("formatting Kafka storage failed; see " + dir.resolve("format.log") + " and broker.log");
        }
        Process broker = java(dir, log4j, "kafka.Kafka", props.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile())).start();
        LocalKafka kafka = new LocalKafka(broker, "127.0.0.1:" + port, dir, clientSecurity);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        kafka.awaitReady(Duration.ofSeconds(90));
        return kafka;
    }

    private static ProcessBuilder java(Path dir, Path log4j, String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath(),
                "-Djava.io.tmpdir=" + dir.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"),
                main));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties p = clientProperties();
        p.setProperty("request.timeout.ms", "3000");
        p.setProperty("default.api.timeout.ms", "3000");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the Kafka broker exited with code " + process.exitValue() + "; see " + dir.resolve("broker.log"));
            }
            try (Admin admin = Admin.create(p)) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Thread.sleep(250);
            }
        }
        close();
        throw new IOException("the Kafka broker did not answer within " + timeout.toSeconds() + " s; see " + dir.resolve("broker.log"));
    }

    /** Creates topics (name → partitions), ignoring ones that exist; {@code configs} apply to every topic. */
    public void createTopics(Map<String, Integer> topics, Map<String, String> configs) {
        try (Admin admin = Admin.create(clientProperties())) {
            List<NewTopic> news = new ArrayList<>();
            topics.forEach((name, partitions) -> news.add(new NewTopic(name, partitions, (short) 1).configs(configs)));
            for (var f : admin.createTopics(news).values().values()) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException("cannot create topic", e.getCause());
                }
            }
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + topics.keySet(), e);
        }
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The broker JVM's process id (it changes when the broker is restarted). */
    public long pid() {
        return process.pid();
    }

    /** What a client needs to connect: the bootstrap servers and, for a SASL broker, its security settings. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(clientSecurity);
        p.setProperty("bootstrap.servers", bootstrap);
        return p;
    }

    /** The security settings as a {@code --kafka-properties} value (k=v;k=v), empty for a plain broker. */
    public String securityProperties() {
        StringBuilder b = new StringBuilder();
        clientSecurity.forEach((k, v) -> b.append(b.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return b.toString();
    }

    /** The broker process, e.g. to kill it in a failure test. */
    public Process process() {
        return process;
    }

    /**
     * Kills the broker (SIGKILL, as a crash would), starts it again on the same ports and data, and waits until it
     * answers: a broker outage for failure tests.
     */
    public void restart() throws IOException, InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        process = java(dir, dir.resolve("log4j2.properties"), "kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile())).start();
        awaitReady(Duration.ofSeconds(90));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A TCP port nothing listens on right now (for the broker, and for other local servers the tests start). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
