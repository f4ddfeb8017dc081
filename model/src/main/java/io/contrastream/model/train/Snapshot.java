package io.contrastream.model.train;

import io.contrastream.model.data.Standardization;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.FrozenEncoder;

/**
 * A frozen copy of the query encoder: its version, the step it was taken at, its architecture and weights, and the
 * input standardisation it was trained behind (null: inputs go in as they are).
 */
public record Snapshot(long version, long step, EncoderConfig config, float[] weights, Standardization input) {

    public Snapshot(long version, long step, EncoderConfig config, float[] weights) {
        this(version, step, config, weights, null);
    }

    /** The encoder rebuilt for inference, behind its input standardisation. */
    public FrozenEncoder frozen() {
        return new FrozenEncoder(config, weights, input);
    }

    public Snapshot withInput(Standardization input) {
        return new Snapshot(version, step, config, weights, input);
    }
}
