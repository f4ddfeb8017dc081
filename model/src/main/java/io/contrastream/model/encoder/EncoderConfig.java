package io.contrastream.model.encoder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The architecture of an encoder and its projection head, enough to rebuild it from a snapshot's weights.
 *
 * <p>The backbone ends in a layer of {@code embeddingDim} units (the features consumers receive); the projection
 * head ({@code embeddingDim → projectionHidden → projectionDim}, as in MoCo v2 / SimCLR) is used only by the loss.
 */
public record EncoderConfig(
        Architecture architecture,
        int[] inputShape,
        int[] hidden,
        int embeddingDim,
        int projectionHidden,
        int projectionDim,
        long seed) implements Serializable {

    /** The backbone family; chosen from the input's shape unless set explicitly. */
    public enum Architecture { MLP, CNN }

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
        if (embeddingDim <= 0 || projectionHidden <= 0 || projectionDim <= 0) {
            throw new IllegalArgumentException("embeddingDim, projectionHidden and projectionDim must be positive");
        }
        inputShape = inputShape.clone();
        hidden = hidden == null ? new int[0] : hidden.clone();
    }

    /** MLP for rank-1 inputs, CNN for rank-3 [C,H,W] inputs. */
    public static Architecture defaultArchitecture(int[] inputShape) {
        return inputShape.length == 3 ? Architecture.CNN : Architecture.MLP;
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
                && projectionHidden == c.projectionHidden && projectionDim == c.projectionDim && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + Arrays.hashCode(hidden) + embeddingDim + 7 * projectionDim;
    }

    @Override
    public String toString() {
        return toJson();
    }
}
