package io.contrastream.pipeline.io;

import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import io.contrastream.schema.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one wire format of every topic: Avro single-object encoding (marker {@code C3 01}, the 8-byte CRC-64-AVRO
 * fingerprint of the writer's schema, then Avro binary), so a reader tells a record of another schema from
 * corrupt bytes. Samples, embeddings and encoder snapshots of the current schemas are written and read by
 * hand-written codecs that keep their float arrays unboxed; the bytes are Avro's, to the bit.
 */
public final class AvroCodec {

    /** Arrays longer than this are refused while decoding, before anything is allocated for them. */
    public static final long MAX_COLLECTION_ITEMS = 1 << 24;

    static {
        // Avro reads these limits once, when it first checks a length: set them before any decoding happens, so a
        // record that declares a 2-billion-item array is rejected instead of allocating gigabytes.
        System.getProperties().putIfAbsent("org.apache.avro.limits.collectionItems.maxLength", Long.toString(MAX_COLLECTION_ITEMS));
        System.getProperties().putIfAbsent("org.apache.avro.limits.bytes.maxLength", Long.toString(64L << 20));
        System.getProperties().putIfAbsent("org.apache.avro.limits.string.maxLength", Long.toString(16L << 20));
        // Records already on the topics were written with earlier schemas: their fingerprints must resolve too.
        for (String file : new String[] {"Embedding.avsc"}) Embedding.getDecoder().addSchema(previous(file));
        for (String file : new String[] {"EncoderSnapshot.avsc", "EncoderSnapshot-v2.avsc"}) {
            EncoderSnapshot.getDecoder().addSchema(previous(file));
        }
    }

    /** A schema of an earlier release, shipped in the schemas jar. */
    private static Schema previous(String file) {
        try (var in = AvroCodec.class.getResourceAsStream("/io/contrastream/schema/previous/" + file)) {
            if (in == null) throw new IllegalStateException("the schemas jar lacks previous/" + file);
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Map<Schema, BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ConcurrentHashMap<>();

    /** The record types with a hand-written codec, and Avro's decoder for the writer schemas those codecs do not know. */
    private static final Map<Class<?>, Fast<?>> FAST = Map.of(
            Sample.class, new Fast<>(new SampleCodec(), Sample.getDecoder()),
            Embedding.class, new Fast<>(new EmbeddingCodec(), Embedding.getDecoder()),
            EncoderSnapshot.class, new Fast<>(new SnapshotCodec(), EncoderSnapshot.getDecoder()));

    /** Per thread: a growing output buffer, and Avro's encoder and decoder objects, reused from record to record. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private AvroCodec() {}

    /** Makes sure the decoding limits above are in force; call before the first decode in a JVM. */
    public static void init() {}

    /** The record in single-object encoding; by the hand-written codec where its type has one. */
    @SuppressWarnings("unchecked")
    public static byte[] encode(SpecificRecord record) {
        Fast<SpecificRecord> fast = (Fast<SpecificRecord>) FAST.get(record.getClass());
        return fast == null ? encodeGeneric(record) : fast.encode(record);
    }

    /** The record in single-object encoding by Avro's schema-driven writer: the reference the hand-written codecs match. */
    public static byte[] encodeGeneric(SpecificRecord record) {
        BinaryMessageEncoder<SpecificRecord> encoder = ENCODERS.computeIfAbsent(record.getSchema(),
                s -> new BinaryMessageEncoder<>(SpecificData.getForSchema(s), s));
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
    }

    /** Decodes by Avro's schema-resolving path: any writer schema the decoder knows. */
    public static <T> T decode(BinaryMessageDecoder<T> decoder, byte[] bytes) throws IOException {
        return decoder.decode(bytes);
    }

    /**
     * Decodes a record of a type with a hand-written codec: by that codec when the bytes name its schema (the normal
     * case), else by Avro's path, which resolves an earlier writer schema or fails as it always did.
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) throws IOException {
        Fast<T> fast = (Fast<T>) FAST.get(type);
        if (fast == null) throw new IllegalArgumentException("no hand-written codec for " + type.getName());
        return fast.writtenBy(bytes) ? fast.decode(bytes) : fast.fallback().decode(bytes);
    }

    /** A deep copy of a record of a type with a hand-written codec, arrays copied as arrays (never boxed). */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T copy(T record) {
        Fast<T> fast = (Fast<T>) FAST.get(record.getClass());
        if (fast == null) throw new IllegalArgumentException("no hand-written codec for " + record.getClass().getName());
        return fast.codec().copy(record);
    }

    /** Whether {@code type} has a hand-written codec (those {@link #decode(Class, byte[])} and {@link #copy} take). */
    public static boolean handWritten(Class<?> type) {
        return FAST.containsKey(type);
    }

    private static final class Buffers {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    /** A hand-written codec, its schema's single-object header, and Avro's decoder for other writer schemas. */
    private record Fast<T extends SpecificRecord>(RecordCodec<T> codec, byte[] header, BinaryMessageDecoder<T> fallback) {

        /** Buffers bigger than this (a snapshot's) are dropped after use rather than kept by the thread. */
        private static final int KEEP_BYTES = 1 << 20;

        Fast(RecordCodec<T> codec, BinaryMessageDecoder<T> fallback) {
            this(codec, header(codec.schema()), fallback);
        }

        private static byte[] header(Schema schema) {
            long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
            byte[] h = new byte[10];
            h[0] = (byte) 0xC3;
            h[1] = (byte) 0x01;
            for (int i = 0; i < 8; i++) h[2 + i] = (byte) (fingerprint >>> (8 * i));   // little-endian, as Avro writes it
            return h;
        }

        boolean writtenBy(byte[] bytes) {
            return bytes.length >= header.length && Arrays.equals(bytes, 0, header.length, header, 0, header.length);
        }

        T decode(byte[] bytes) throws IOException {
            int body = bytes.length - header.length;
            if (bytes.length > KEEP_BYTES) {   // a decoder kept by the thread would keep these megabytes reachable
                return codec.read(DecoderFactory.get().binaryDecoder(bytes, header.length, body, null), body);
            }
            Buffers b = BUFFERS.get();
            b.decoder = DecoderFactory.get().binaryDecoder(bytes, header.length, body, b.decoder);
            return codec.read(b.decoder, body);
        }

        byte[] encode(T record) {
            Buffers b = BUFFERS.get();
            int hint = codec.sizeHint(record);
            // A snapshot gets a buffer of its size: growing one by doubling would copy megabytes several times.
            ByteArrayOutputStream bytes = hint > KEEP_BYTES ? new ByteArrayOutputStream(header.length + hint) : b.bytes;
            try {
                bytes.reset();
                bytes.writeBytes(header);
                b.encoder = EncoderFactory.get().binaryEncoder(bytes, b.encoder);
                codec.write(record, b.encoder);
                b.encoder.flush();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
            } finally {
                if (b.bytes.size() > KEEP_BYTES) BUFFERS.remove();
            }
        }
    }
}
