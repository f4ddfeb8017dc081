package io.contrastream.pipeline.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.schema.DeadLetter;
import org.junit.jupiter.api.Test;

class RejectionTest {

    @Test
    void theDeadLetterSchemaDocumentsEveryReasonTheJobWrites() {
        String doc = DeadLetter.getClassSchema().getField("reason").doc();
        for (Rejection.Reason r : Rejection.Reason.values()) {
            assertTrue(doc.contains(r.name()), "DeadLetter.avsc's reason doc lacks " + r + ": " + doc);
        }
    }
}
