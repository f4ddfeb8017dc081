package io.contrastream.pipeline.decode;

import io.contrastream.pipeline.Metrics;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.RawRecord;
import io.contrastream.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Decodes and validates raw Kafka records; anything unusable goes to the dead-letter side output with a reason. */
public class DecodeFunction extends ProcessFunction<RawRecord, Instance> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final SampleDecoder decoder;
    private transient Counter valid;
    private transient Counter deadLetters;

    public DecodeFunction(int[] inputShape) {
        this.decoder = new SampleDecoder(inputShape);
    }

    @Override
    public void open(OpenContext context) {
        AvroCodec.init();   // Avro's decoding limits, before this task decodes anything
        valid = getRuntimeContext().getMetricGroup().counter(Metrics.DECODE_VALID);
        deadLetters = getRuntimeContext().getMetricGroup().counter(Metrics.DECODE_DEAD_LETTERS);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<Instance> out) {
        try {
            Instance instance = decoder.decode(raw.value);
            valid.inc();
            out.collect(instance);
        } catch (Rejection r) {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, DeadLetter.newBuilder()
                    .setOriginal(raw.value == null ? null : ByteBuffer.wrap(raw.value))
                    .setTopic(raw.topic)
                    .setPartition(raw.partition)
                    .setOffset(raw.offset)
                    .setReason(r.reason().name())
                    .setDetail(r.getMessage())
                    .setTime(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()))
                    .build());
        }
    }
}
