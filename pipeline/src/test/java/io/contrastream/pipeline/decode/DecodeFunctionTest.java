package io.contrastream.pipeline.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.RawRecord;
import io.contrastream.pipeline.io.SampleProducer;
import io.contrastream.pipeline.testkit.BadRecords;
import io.contrastream.schema.DeadLetter;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DecodeFunctionTest {

    @Test
    void routesGoodRecordsOnAndBadOnesToDeadLettersWithTheirPosition() throws Exception {
        int[] shape = {3};
        try (OneInputStreamOperatorTestHarness<RawRecord, Instance> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction(shape))) {
            byte[] good = AvroCodec.encode(SampleProducer.sample("ok", 5, shape, new float[] {1, 2, 3}, null));
            h.processElement(new RawRecord("samples", 0, 10, 0, good), 0);
            for (int i = 0; i < BadRecords.KINDS.size(); i++) {
                h.processElement(new RawRecord("samples", 1, 100 + i, 0, BadRecords.make(i, shape, 3)), 0);
            }
            List<Instance> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals("ok", out.get(0).id);
            List<DeadLetter> dead = h.getSideOutput(DecodeFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(BadRecords.KINDS.size(), dead.size());
            assertEquals(List.of("UNDECODABLE", "UNDECODABLE", "NON_FINITE", "WRONG_SHAPE", "UNKNOWN_SCHEMA", "EMPTY"),
                    dead.stream().map(DeadLetter::getReason).toList());
            assertEquals(102, dead.get(2).getOffset());
            assertEquals(1, dead.get(2).getPartition());
        }
    }
}
