package io.contrastream.pipeline.io;

import io.contrastream.schema.Sample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes Sample records (and, for tests and the demo, arbitrary bytes) to a topic, optionally at a fixed rate. */
public final class SampleProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double rate;
    private final long startNanos = System.nanoTime();
    private long sent;

    /** {@code rate} in records per second; 0 means as fast as possible. */
    public SampleProducer(Properties clientProperties, String topic, double rate) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.putIfAbsent("acks", "all");
        p.putIfAbsent("linger.ms", "5");
        p.putIfAbsent("enable.idempotence", "true");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.rate = rate;
    }

    public static Sample sample(String id, long eventTime, int[] shape, float[] values, Integer label) {
        List<Integer> s = new ArrayList<>(shape.length);
        for (int d : shape) s.add(d);
        // Wraps a copy: the caller may reuse its array, and the record encodes without a Float per value.
        return new Sample(id, Instant.ofEpochMilli(eventTime), s, FloatList.wrap(values.clone()), label, Map.of());
    }

    public void send(Sample sample) throws InterruptedException {
        sendBytes(sample.getId(), AvroCodec.encode(sample));
    }

    /** Sends raw bytes as a record value: how tests and the demo inject bad input. */
    public void sendBytes(String key, byte[] value) throws InterruptedException {
        pace();
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value));
        sent++;
    }

    private void pace() throws InterruptedException {
        if (rate <= 0) return;
        long due = startNanos + (long) (sent * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }

    /** Blocks until everything sent so far is acknowledged by the broker. */
    public void flush() {
        producer.flush();
    }

    public long sent() {
        return sent;
    }

    @Override
    public void close() {
        producer.flush();
        producer.close();
    }
}
