package io.contrastream.model.encoder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The architecture of an encoder and its projection head, enough to rebuild it from a snapshot's weights.
 *
 * <p>The backbone ends in a layer of {@code embeddingDim} units (the features consumers receive); the projection
 * head ({@code embeddingDim → projectionHidden → projectionDim}, as in MoCo v2 / SimCLR) is used only by the loss.
 *
 * <p>{@code convBatchNorm} puts batch normalisation (with γ, β and running statistics) after every convolution of a
 * convolutional backbone, before its ReLU. It is written to JSON only when on, so the JSON of every configuration
 * without it, and every snapshot made before it existed, reads and compares as before.
 */
public record EncoderConfig(
        Architecture architecture,
        int[] inputShape,
        int[] hidden,
        int embeddingDim,
        int projectionHidden,
        int projectionDim,
        long seed,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean convBatchNorm) implements Serializable {

    /**
     * The backbone family; chosen from the input's shape unless set explicitly: an MLP for vectors [d], a CNN of 3×3
     * convolutions for images [C,H,W], a temporal CNN of 1-D convolutions along T for sensor windows [C,T].
     */
    public enum Architecture {
        MLP, CNN, CONV1D;

        /** Whether the backbone is convolutional (conv + pool stages, then dense layers). */
        public boolean convolutional() { return this != MLP; }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public EncoderConfig {
        if (inputShape == null || inputShape.length == 0) {
            throw new IllegalArgumentException("inputShape must have at least one dimension");
        }
        for (int s : inputShape) {
            if (s <= 0) throw new IllegalArgumentException("inputShape must be positive, got " + Arrays.toString(inputShape));
        }
        if (architecture == Architecture.CNN && inputShape.length != 3) {
            throw new IllegalArgumentException("the CNN encoder needs an input shape [C,H,W], got " + Arrays.toString(inputShape));
        }
        if (architecture == Architecture.CONV1D && inputShape.length != 2) {
            throw new IllegalArgumentException("the CONV1D encoder needs an input shape [C,T], got " + Arrays.toString(inputShape));
        }
        if (embeddingDim <= 0 || projectionHidden <= 0 || projectionDim <= 0) {
            throw new IllegalArgumentException("embeddingDim, projectionHidden and projectionDim must be positive");
        }
        if (convBatchNorm && !architecture.convolutional()) {
            throw new IllegalArgumentException("convBatchNorm needs a convolutional backbone, got " + architecture);
        }
        inputShape = inputShape.clone();
        hidden = hidden == null ? new int[0] : hidden.clone();
    }

    /** Without batch normalisation in the backbone (the default). */
    public EncoderConfig(Architecture architecture, int[] inputShape, int[] hidden, int embeddingDim, int projectionHidden,
                         int projectionDim, long seed) {
        this(architecture, inputShape, hidden, embeddingDim, projectionHidden, projectionDim, seed, false);
    }

    /** This configuration with batch normalisation after every convolution switched on or off. */
    public EncoderConfig withConvBatchNorm(boolean on) {
        return new EncoderConfig(architecture, inputShape, hidden, embeddingDim, projectionHidden, projectionDim, seed, on);
    }

    /** MLP for rank-1 inputs, CONV1D for rank-2 [C,T] windows, CNN for rank-3 [C,H,W] images. */
    public static Architecture defaultArchitecture(int[] inputShape) {
        return switch (inputShape.length) {
            case 3 -> Architecture.CNN;
            case 2 -> Architecture.CONV1D;
            default -> Architecture.MLP;
        };
    }

    /** The input as a conv stack sees it, [C,H,W]: a window [C,T] is C maps of height 1. */
    public int[] mapShape() {
        return inputShape.length == 2 ? new int[] {inputShape[0], 1, inputShape[1]} : inputShape.clone();
    }

    /** Number of input values (the product of the shape). */
    public int inputSize() {
        int n = 1;
        for (int s : inputShape) n *= s;
        return n;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write encoder config", e);
        }
    }

    public static EncoderConfig fromJson(String json) {
        try {
            return JSON.readValue(json, EncoderConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an encoder config: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncoderConfig c && architecture == c.architecture && Arrays.equals(inputShape, c.inputShape)
                && Arrays.equals(hidden, c.hidden) && embeddingDim == c.embeddingDim
                && projectionHidden == c.projectionHidden && projectionDim == c.projectionDim && seed == c.seed
                && convBatchNorm == c.convBatchNorm;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + Arrays.hashCode(hidden) + embeddingDim + 7 * projectionDim
                + (convBatchNorm ? 1 : 0);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
