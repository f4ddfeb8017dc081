package io.contrastream.pipeline.io;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.util.Properties;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the job's Kafka source and sinks from its configuration; every client gets the same extra properties. */
public final class KafkaIo {

    /** Snapshots of a large encoder exceed Kafka's 1 MB default; topics for them need max.message.bytes this high. */
    public static final int MAX_SNAPSHOT_BYTES = 64 << 20;

    private KafkaIo() {}

    public static KafkaSource<RawRecord> source(JobConfig c) {
        return source(c, new RawRecordDeserializer());
    }

    /** The samples source with another deserializer (the failure tests wrap the default one). */
    public static KafkaSource<RawRecord> source(JobConfig c, KafkaRecordDeserializationSchema<RawRecord> deserializer) {
        OffsetsInitializer start = OffsetsInitializer.committedOffsets(
                c.get(JobParams.START_FROM) == JobParams.StartFrom.EARLIEST ? OffsetResetStrategy.EARLIEST : OffsetResetStrategy.LATEST);
        var builder = KafkaSource.<RawRecord>builder()
                .setProperties(c.kafkaProperties())
                .setTopics(c.get(JobParams.SAMPLES_TOPIC))
                .setGroupId(c.get(JobParams.GROUP_ID))
                .setStartingOffsets(start)
                .setDeserializer(deserializer)
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (c.get(JobParams.BOUNDED)) builder.setBounded(OffsetsInitializer.latest());
        return builder.build();
    }

    public static KafkaSink<Embedding> embeddings(JobConfig c) {
        return sink(c, c.get(JobParams.EMBEDDINGS_TOPIC), e -> e.getSampleId(), "embeddings");
    }

    public static KafkaSink<DriftReport> drift(JobConfig c) {
        return sink(c, c.get(JobParams.DRIFT_TOPIC), r -> Long.toString(r.getWindowIndex()), "drift");
    }

    public static KafkaSink<DeadLetter> deadLetters(JobConfig c) {
        return sink(c, c.get(JobParams.DEAD_LETTER_TOPIC), d -> d.getTopic() + "-" + d.getPartition() + "@" + d.getOffset(), "dead-letters");
    }

    public static KafkaSink<EncoderSnapshot> snapshots(JobConfig c) {
        return sink(c, c.get(JobParams.SNAPSHOT_TOPIC), s -> Long.toString(s.getVersion()), "snapshots");
    }

    private static <T extends SpecificRecord> KafkaSink<T> sink(JobConfig c, String topic, SerializableFunction<T, String> key, String name) {
        Properties props = c.kafkaProperties();
        props.setProperty("max.request.size", Integer.toString(MAX_SNAPSHOT_BYTES));
        // The producer refuses any record larger than its buffer: room for two snapshots.
        props.setProperty("buffer.memory", Long.toString(2L * MAX_SNAPSHOT_BYTES));
        props.setProperty("transaction.timeout.ms", "600000");
        boolean exactlyOnce = c.get(JobParams.DELIVERY) == JobParams.Delivery.EXACTLY_ONCE;
        var builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setRecordSerializer(KafkaRecordSerializationSchema.<T>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(new KeySerializationSchema<>(key))
                        .setValueSerializationSchema(new AvroSerializationSchema<T>())
                        .build())
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
        if (exactlyOnce) builder.setTransactionalIdPrefix(c.get(JobParams.GROUP_ID) + "-" + name);
        return builder.build();
    }
}
