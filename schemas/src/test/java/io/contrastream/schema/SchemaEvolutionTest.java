package io.contrastream.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The schemas evolve compatibly: a consumer built on the previous schema files (shipped in the schemas jar under io/contrastream/schema/previous/) reads
 * records the job writes now, and the job reads records written with the previous schemas.
 */
class SchemaEvolutionTest {

    @Test
    void anOldEmbeddingReaderReadsNewRecordsAndANewReaderReadsOldOnes() throws Exception {
        Schema old = previous("Embedding.avsc");
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(old, Embedding.getClassSchema()).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(Embedding.getClassSchema(), old).getType());

        Embedding now = Embedding.newBuilder().setSampleId("s-1").setEventTime(Instant.ofEpochMilli(5)).setEncoderVersion(7)
                .setVector(List.of(1f, 2f)).setSpaceId("space-a").build();
        // An old reader finds the writer schema by the fingerprint in the single-object header, as a registry would give it.
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(Embedding.getClassSchema());
        BinaryMessageDecoder<GenericRecord> oldReader = new BinaryMessageDecoder<>(GenericData.get(), old, store);
        GenericRecord read = oldReader.decode(Embedding.getEncoder().encode(now));
        assertEquals("s-1", read.get("sample_id").toString());
        assertEquals(7L, read.get("encoder_version"));
        assertEquals(List.of(1f, 2f), read.get("vector"));

        GenericRecord oldRecord = new GenericData.Record(old);
        oldRecord.put("sample_id", "s-2");
        oldRecord.put("event_time", 9L);
        oldRecord.put("encoder_version", 3L);
        oldRecord.put("vector", List.of(4f));
        ByteBuffer oldBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(oldRecord);
        Embedding.getDecoder().addSchema(old);
        Embedding back = Embedding.getDecoder().decode(oldBytes);
        assertEquals("s-2", back.getSampleId());
        assertNull(back.getSpaceId(), "a record from before spaces has none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"EncoderSnapshot.avsc", "EncoderSnapshot-v2.avsc"})   // before spaces; before standardisation
    void anOldSnapshotReaderReadsNewSnapshots(String file) throws Exception {
        Schema old = previous(file);
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(old, EncoderSnapshot.getClassSchema()).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(EncoderSnapshot.getClassSchema(), old).getType());
        EncoderSnapshot now = EncoderSnapshot.newBuilder().setVersion(2).setStep(40).setConfig("{}").setWeights(List.of(0.5f))
                .setSpaceId("space-a").setAlignment(List.of(1f))
                .setInputStandardization(new InputStandardization(List.of(1f), List.of(2f))).build();
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(EncoderSnapshot.getClassSchema());
        GenericRecord read = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), old, store)
                .decode(EncoderSnapshot.getEncoder().encode(now));
        assertEquals(2L, read.get("version"));
        assertEquals(List.of(0.5f), read.get("weights"));
    }

    private static Schema previous(String file) throws Exception {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/io/contrastream/schema/previous/" + file)) {
            return new Schema.Parser().parse(in);
        }
    }
}
