package io.contrastream.model.train;

import io.contrastream.model.encoder.EncoderConfig;

/** A frozen copy of the query encoder: its version, the step it was taken at, its architecture and weights. */
public record Snapshot(long version, long step, EncoderConfig config, float[] weights) {}
