package io.contrastream.pipeline.io;

import io.contrastream.schema.EncoderSnapshot;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds encoder snapshots on a snapshot topic as a {@code read_committed} consumer sees them. A topic written with
 * exactly-once delivery ends with a transaction's commit marker, so "the last offset" is not a record: it reads back
 * from the end in growing windows until it has what it looks for.
 */
public final class SnapshotTopic {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final long TIMEOUT_MS = 60_000;

    private SnapshotTopic() {}

    /** The newest snapshot on the topic, or null if it holds none. */
    public static EncoderSnapshot newest(Properties kafka, String topic) {
        return find(kafka, topic, -1);
    }

    /**
     * The snapshot of {@code version} (−1: the newest), or null. Versions only grow along the topic, so the search
     * stops at the first window that reaches a version at or below the one wanted.
     */
    public static EncoderSnapshot find(Properties kafka, String topic, long version) {
        AvroCodec.init();
        Properties p = new Properties();
        p.putAll(kafka);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("max.partition.fetch.bytes", Integer.toString(KafkaIo.MAX_SNAPSHOT_BYTES));
        p.setProperty("fetch.max.bytes", Integer.toString(2 * KafkaIo.MAX_SNAPSHOT_BYTES));
        p.remove("group.id");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            EncoderSnapshot best = null;
            for (TopicPartition tp : parts) {
                EncoderSnapshot found = searchBack(consumer, tp, begin.get(tp), end.get(tp), version);
                if (found != null && (best == null || found.getVersion() > best.getVersion())) best = found;
            }
            return best;
        }
    }

    private static EncoderSnapshot searchBack(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long begin, long end, long version) {
        long to = end;
        for (long window = 8; to > begin; window *= 2) {
            long from = Math.max(begin, to - window);
            EncoderSnapshot best = null;
            long lowest = Long.MAX_VALUE;
            for (EncoderSnapshot s : read(consumer, tp, from, to).values()) {
                lowest = Math.min(lowest, s.getVersion());
                if (version < 0 ? (best == null || s.getVersion() > best.getVersion()) : s.getVersion() == version) best = s;
            }
            if (best != null) return best;
            if (version >= 0 && lowest < version) return null;   // passed it: this topic never had it
            to = from;
        }
        return null;
    }

    /** The records of one partition in [from, to), by offset; control records (commit markers) take offsets, not entries. */
    private static Map<Long, EncoderSnapshot> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long from, long to) {
        Map<Long, EncoderSnapshot> out = new HashMap<>();
        consumer.seek(tp, from);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (consumer.position(tp) < to) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("reading " + tp + " from offset " + from + " to " + to + " took over a minute");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= to) continue;
                try {
                    out.put(r.offset(), AvroCodec.decode(EncoderSnapshot.class, r.value()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(tp + "@" + r.offset() + " is not an EncoderSnapshot: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }
}
