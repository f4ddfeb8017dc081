package io.contrastream.pipeline.decode;

import io.contrastream.pipeline.common.ProbeSelector;
import org.apache.flink.api.common.functions.FilterFunction;

/** Lets through the samples the learner may train on: everything but the held-out probes. */
public class TrainingSamples implements FilterFunction<Instance> {

    private final ProbeSelector probes;

    public TrainingSamples(ProbeSelector probes) {
        this.probes = probes;
    }

    @Override
    public boolean filter(Instance x) {
        return !probes.isProbe(x.id, x.label);
    }
}
