package io.contrastream.pipeline.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one wire format of every topic: Avro single-object encoding (marker {@code C3 01}, the 8-byte CRC-64-AVRO
 * fingerprint of the writer's schema, then Avro binary), so a reader tells a record of another schema from
 * corrupt bytes.
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
        for (String file : new String[] {"Embedding.avsc"}) io.contrastream.schema.Embedding.getDecoder().addSchema(previous(file));
        for (String file : new String[] {"EncoderSnapshot.avsc", "EncoderSnapshot-v2.avsc"}) {
            io.contrastream.schema.EncoderSnapshot.getDecoder().addSchema(previous(file));
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

    private AvroCodec() {}

    /** Makes sure the decoding limits above are in force; call before the first decode in a JVM. */
    public static void init() {}

    public static byte[] encode(SpecificRecord record) {
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

    public static <T> T decode(BinaryMessageDecoder<T> decoder, byte[] bytes) throws IOException {
        return decoder.decode(bytes);
    }
}
