package io.contrastream.pipeline.reembed;

import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.decode.DecodeFunction;
import io.contrastream.pipeline.decode.Instance;
import io.contrastream.pipeline.embed.EmbedOperator;
import io.contrastream.pipeline.io.RawRecord;
import io.contrastream.pipeline.io.RecordTypeInfo;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.EncoderSnapshot;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The re-index job's graph: every retained sample of a topic, decoded as the live job decodes it, embedded by one
 * chosen encoder version through the live job's own embed operator, into a topic of the user's choice (blue/green).
 * Records that do not decode are skipped: the live job has dead-lettered them already.
 */
public final class ReembedJob {

    private ReembedJob() {}

    public static void build(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, EncoderSnapshot encoder,
                             Sink<Embedding> sink, JobConfig c) {
        int parallelism = c.get(JobParams.PARALLELISM);
        SingleOutputStreamOperator<Instance> samples = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "samples").uid("reembed-source")
                .setParallelism(parallelism)
                .process(new DecodeFunction(c.get(JobParams.INPUT_SHAPE))).name("decode").uid("reembed-decode")
                .setParallelism(parallelism);
        DataStream<EncoderSnapshot> version = env.fromData(List.of(encoder), RecordTypeInfo.snapshots())
                .name("chosen-encoder").uid("reembed-encoder");
        samples.connect(version.broadcast())
                .transform("embed", RecordTypeInfo.embeddings(),
                        new EmbedOperator(c.get(JobParams.EMBED_BATCH), c.get(JobParams.EMBED_MAX_DELAY_MS)))
                .uid("reembed-embed").setParallelism(c.get(JobParams.EMBED_PARALLELISM))
                .sinkTo(sink).name("reembed-sink").uid("reembed-sink").setParallelism(c.get(JobParams.EMBED_PARALLELISM));
    }
}
