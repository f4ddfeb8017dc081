package io.contrastream.pipeline.ui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a few topics on one daemon thread and hands each record's value to that topic's handler. It assigns
 * partitions itself (no consumer group, nothing committed, so it never disturbs the job's or anyone's offsets), reads
 * {@code read_committed} like any consumer of an exactly-once job, and picks up topics that appear after it starts.
 */
final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long DISCOVER_EVERY_MS = 2_000;
    private static final long WARN_EVERY_MS = 60_000;

    /** What to do with one record's value; a handler that throws only costs that record. */
    @FunctionalInterface
    interface Handler {
        void accept(byte[] value) throws Exception;
    }

    /**
     * One topic to follow: from its beginning ({@code tail} &lt; 0), or only its last {@code tail} records, so a topic
     * of millions of embeddings is not replayed to draw a map of the newest few thousand.
     */
    record Topic(String name, long tail, Handler handler) {}

    private final Map<String, Topic> topics = new LinkedHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Set<String> found = new HashSet<>();
    private volatile boolean closed;
    private long lastWarnMs;

    TopicFollower(Properties kafka, List<Topic> follow) {
        for (Topic t : follow) if (t.name() != null && !t.name().isEmpty()) topics.put(t.name(), t);
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove("group.id");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("client.id", "contrastream-live-page");
        // Bounds what one poll holds in memory; the page only needs to keep up, not to be fast.
        p.setProperty("max.partition.fetch.bytes", Integer.toString(4 << 20));
        p.setProperty("fetch.max.bytes", Integer.toString(16 << 20));
        p.setProperty("max.poll.records", "2000");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "live-page-follower");
        thread.setDaemon(true);   // never keeps the CLI alive on its own
        thread.start();
    }

    private void run() {
        long nextDiscovery = 0;
        try {
            while (!closed) {
                try {
                    if (found.size() < topics.size() && System.currentTimeMillis() >= nextDiscovery) {
                        discover();
                        nextDiscovery = System.currentTimeMillis() + DISCOVER_EVERY_MS;
                    }
                    if (assigned.isEmpty()) {
                        synchronized (this) { if (!closed) wait(POLL.toMillis()); }
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        Topic t = topics.get(r.topic());
                        if (t == null || r.value() == null) continue;
                        try {
                            t.handler().accept(r.value());
                        } catch (Exception e) {
                            warn("a record of " + r.topic() + " could not be read: " + e);
                        }
                    }
                } catch (WakeupException e) {
                    if (!closed) warn("woken up unexpectedly");
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // The broker may be down for a while (or not up yet): keep trying, quietly.
                    warn("cannot read the topics yet: " + e);
                    synchronized (this) { if (!closed) wait(1_000); }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Assigns the partitions of every topic that exists by now, each starting where its {@link Topic} says. */
    private void discover() {
        List<TopicPartition> fresh = new ArrayList<>();
        for (Topic t : topics.values()) {
            if (found.contains(t.name())) continue;
            List<PartitionInfo> parts = consumer.partitionsFor(t.name(), Duration.ofSeconds(5));
            if (parts == null || parts.isEmpty()) continue;
            found.add(t.name());
            for (PartitionInfo pi : parts) fresh.add(new TopicPartition(pi.topic(), pi.partition()));
        }
        if (fresh.isEmpty()) return;
        assigned.addAll(fresh);
        consumer.assign(assigned);   // partitions assigned before keep their positions
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh);
        Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
        Map<String, Long> partitions = new LinkedHashMap<>();
        fresh.forEach(tp -> partitions.merge(tp.topic(), 1L, Long::sum));
        for (TopicPartition tp : fresh) {
            long tail = topics.get(tp.topic()).tail();
            long from = tail < 0 ? begin.get(tp) : Math.max(begin.get(tp), end.get(tp) - tail / partitions.get(tp.topic()));
            consumer.seek(tp, from);
        }
        LOG.info("live page follows {} ({} partitions)", partitions.keySet(), assigned.size());
    }

    private void warn(String message) {
        long now = System.currentTimeMillis();
        if (now - lastWarnMs >= WARN_EVERY_MS) {
            lastWarnMs = now;
            LOG.warn("live page: {}", message);
        }
    }

    /** Stops the thread and closes the consumer (on the thread that owns it: Kafka consumers are single-threaded). */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        synchronized (this) { notifyAll(); }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
