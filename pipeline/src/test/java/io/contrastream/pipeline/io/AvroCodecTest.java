package io.contrastream.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.contrastream.schema.EncoderSnapshot;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Snapshots already on the topic, written by an earlier release, still decode after an upgrade. */
class AvroCodecTest {

    @Test
    void aSnapshotWrittenWithTheSchemaBeforeStandardisationDecodes() throws Exception {
        Schema v2;
        try (var in = AvroCodecTest.class.getResourceAsStream("/io/contrastream/schema/previous/EncoderSnapshot-v2.avsc")) {
            v2 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v2);
        old.put("version", 7L);
        old.put("step", 140L);
        old.put("config", "{}");
        old.put("weights", List.of(0.25f));
        old.put("space_id", "space-a");
        old.put("alignment", null);
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old);
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        EncoderSnapshot s = AvroCodec.decode(EncoderSnapshot.getDecoder(), raw);
        assertEquals(7L, s.getVersion());
        assertEquals("space-a", s.getSpaceId());
        assertNull(s.getInputStandardization(), "written before standardisation: inputs go in as they are");
    }
}
