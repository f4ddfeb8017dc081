package io.contrastream.pipeline.testkit;

import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's output topics (read_committed) and keeps what a summary or a test needs: embedding ids and their
 * encoder versions, dead letters by reason, drift reports and the newest encoder snapshot. Not thread-safe: poll
 * and read from one thread.
 */
public final class OutputReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String embeddingsTopic;
    private final String driftTopic;
    private final String deadLetterTopic;
    private final String snapshotTopic;

    private final Set<String> embeddedIds = new HashSet<>();
    private long embeddings;
    private final TreeMap<Long, Long> embeddingsByVersion = new TreeMap<>();
    private final Map<String, Long> embeddingsBySpace = new TreeMap<>();
    private final Map<String, Embedding> lastEmbedding = new java.util.HashMap<>();
    private final Map<String, Long> deadLettersByReason = new TreeMap<>();
    private final Set<String> deadLetterKeys = new HashSet<>();
    private long deadLetters;
    private boolean keepEmbeddings;
    private final List<DriftReport> driftReports = new ArrayList<>();
    private EncoderSnapshot newestSnapshot;
    private final List<Long> snapshotVersions = new ArrayList<>();
    private final List<Long> snapshotSteps = new ArrayList<>();

    public OutputReader(Properties clientProperties, String embeddingsTopic, String driftTopic, String deadLetterTopic,
                        String snapshotTopic) {
        AvroCodec.init();
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.setProperty("group.id", "contrastream-reader-" + System.nanoTime());
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("max.partition.fetch.bytes", Integer.toString(64 << 20));
        p.setProperty("fetch.max.bytes", Integer.toString(128 << 20));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.embeddingsTopic = embeddingsTopic;
        this.driftTopic = driftTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.snapshotTopic = snapshotTopic;
        List<String> topics = new ArrayList<>(List.of(embeddingsTopic, driftTopic, deadLetterTopic));
        if (snapshotTopic != null && !snapshotTopic.isEmpty()) topics.add(snapshotTopic);
        consumer.subscribe(topics);
    }

    /** Polls once and folds in whatever arrived. */
    public void poll(Duration timeout) throws java.io.IOException {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.topic().equals(embeddingsTopic)) {
                Embedding e = AvroCodec.decode(Embedding.class, r.value());
                embeddings++;
                embeddedIds.add(e.getSampleId());
                embeddingsByVersion.merge(e.getEncoderVersion(), 1L, Long::sum);
                embeddingsBySpace.merge(String.valueOf(e.getSpaceId()), 1L, Long::sum);
                if (keepEmbeddings) lastEmbedding.put(e.getSampleId(), e);
            } else if (r.topic().equals(driftTopic)) {
                driftReports.add(AvroCodec.decode(DriftReport.getDecoder(), r.value()));
            } else if (r.topic().equals(deadLetterTopic)) {
                DeadLetter d = AvroCodec.decode(DeadLetter.getDecoder(), r.value());
                deadLetters++;
                deadLetterKeys.add(d.getTopic() + "/" + d.getPartition() + "@" + d.getOffset());
                deadLettersByReason.merge(d.getReason(), 1L, Long::sum);
            } else if (r.topic().equals(snapshotTopic)) {
                EncoderSnapshot s = AvroCodec.decode(EncoderSnapshot.class, r.value());
                snapshotVersions.add(s.getVersion());
                snapshotSteps.add(s.getStep());
                if (newestSnapshot == null || s.getVersion() > newestSnapshot.getVersion()) newestSnapshot = s;
            }
        }
    }

    /** Embedding records read, duplicates included. */
    public long embeddings() { return embeddings; }

    public Set<String> embeddedIds() { return embeddedIds; }

    /** Embeddings per space id ("null" for records without one). */
    public Map<String, Long> embeddingsBySpace() { return embeddingsBySpace; }

    /** From now on, keeps the last Embedding record of each sample id (for tests that check vectors). */
    public OutputReader keepEmbeddings() {
        keepEmbeddings = true;
        return this;
    }

    /** The last Embedding record of each sample id, when {@link #keepEmbeddings()} was asked for. */
    public Map<String, Embedding> lastEmbeddings() { return lastEmbedding; }

    public TreeMap<Long, Long> embeddingsByVersion() { return embeddingsByVersion; }

    public long deadLetters() { return deadLetters; }

    /** Distinct source positions (topic/partition@offset) among the dead letters. */
    public Set<String> deadLetterKeys() { return deadLetterKeys; }

    public Map<String, Long> deadLettersByReason() { return deadLettersByReason; }

    public List<DriftReport> driftReports() { return driftReports; }

    public EncoderSnapshot newestSnapshot() { return newestSnapshot; }

    /** The version of every snapshot record read, in topic order (one partition): a gap or repeat is a bug. */
    public List<Long> snapshotVersions() { return snapshotVersions; }

    /** The learner step of each snapshot read, in the order read. */
    public List<Long> snapshotSteps() { return snapshotSteps; }

    @Override
    public void close() {
        consumer.close();
    }
}
