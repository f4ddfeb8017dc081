package io.contrastream.model.encoder;

import io.contrastream.model.data.Standardization;
import io.contrastream.model.linalg.Blas;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An encoder rebuilt from a snapshot's weights, used for inference only: input rows in, embeddings out. It runs the
 * same implementation the learner trains with, so serving is as fast as training. Not thread-safe (reused buffers).
 */
public final class FrozenEncoder {

    private final EncoderConfig config;
    private final TrainableEncoder encoder;
    private final int chunk;
    private final Standardization input;
    /**
     * A dense encoder's batches run on a multiple of this many rows, the rows past n stale (each row's output depends
     * on that row alone), so a stream's micro-batches of every size reuse a few buffers: fresh off-heap arrays per call,
     * ND4J objects and page faults, had cost the embed stage as much as its products (JFR). Even one row is faster as
     * eight (3,909 against 2,295 samples/s, `LearnerBench embed mlp 1 1`). A convolutional encoder's batches run as
     * they are: its rows cost far more than the buffers (one image padded to eight: 1,188 → 511 samples/s).
     */
    static final int ROW_QUANTUM = 8;

    private final Map<Integer, INDArray> x = new HashMap<>();         // input rows by batch rows, M×D
    private final Map<Integer, INDArray> aligned = new HashMap<>();   // aligned embeddings, M×E
    private INDArray rotation;        // the last rotation as an E×E array, for as long as callers pass the same one
    private float[] rotationOf;

    public FrozenEncoder(EncoderConfig config, float[] weights) {
        this(config, weights, null);
    }

    /** With {@code input} (may be null), every row is standardised before the encoder sees it, as in training. */
    public FrozenEncoder(EncoderConfig config, float[] weights, Standardization input) {
        this.config = config;
        this.input = input;
        if (input != null && input.mean().length != config.inputSize()) {
            throw new IllegalArgumentException("standardisation of " + input.mean().length + " features for inputs of " + config.inputSize());
        }
        this.encoder = TrainableEncoder.create(config);
        long expected = encoder.params().length();
        if (weights.length != expected) {
            throw new IllegalArgumentException("snapshot has " + weights.length + " weights but encoder "
                    + config + " has " + expected);
        }
        // Bounded work memory per call: a CNN's im2col matrix for 256 28×28 images over 32 channels is ~58 MB.
        this.chunk = config.architecture().convolutional() ? 256 : 1024;
        Blas.write(weights, encoder.params());
    }

    /** A randomly initialised encoder of the given architecture (the baseline any learner must beat). */
    public static FrozenEncoder random(EncoderConfig config) {
        return random(config, null);
    }

    /** A random encoder behind the same input standardisation as a trained one, so comparing them measures learning alone. */
    public static FrozenEncoder random(EncoderConfig config, Standardization input) {
        return new FrozenEncoder(config, TrainableEncoder.create(config).params().toFloatVector(), input);
    }

    /** Embeds n rows given row-major; returns n×embeddingDim. */
    public float[][] embed(float[] rows, int n) {
        return embed(rows, n, null);
    }

    /**
     * Embeds n rows given row-major and multiplies the embeddings by {@code rotation} (E×E, row-major; null: none),
     * a serving alignment; returns n×embeddingDim. The product is one gemm: row by row in Java it cost the embed stage
     * a fifth of its time.
     */
    public float[][] embed(float[] rows, int n, float[] rotation) {
        if (input != null) rows = input.apply(rows, n);
        INDArray z = encoder.embed(inputRows(rows, n));                                         // M×E, M ≥ N
        if (rotation == null) return Blas.rows(z, n);
        int e = config.embeddingDim();
        if (rotation != rotationOf) {
            this.rotation = Nd4j.create(rotation, new long[] {e, e}, DataType.FLOAT);
            rotationOf = rotation;
        }
        INDArray out = buffer(aligned, (int) z.size(0), e);
        Blas.gemm(z, this.rotation, out, 1f, 0f);                                               // M×E: z·R
        return Blas.rows(out, n);
    }

    /** Embeds rows given one array each, in chunks so memory stays bounded for a whole dataset; rows.length×embeddingDim. */
    public float[][] embed(float[][] rows) {
        return embed(rows, null, done -> {});
    }

    /**
     * As {@link #embed(float[][])}, times {@code rotation} as in {@link #embed(float[], int, float[])}, telling
     * {@code progress} how many rows are embedded after each chunk.
     */
    public float[][] embed(float[][] rows, float[] rotation, LongConsumer progress) {
        int d = config.inputSize();
        float[][] out = new float[rows.length][];
        for (int from = 0; from < rows.length; from += chunk) {
            int n = Math.min(chunk, rows.length - from);
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) System.arraycopy(rows[from + i], 0, flat, i * d, d);
            System.arraycopy(embed(flat, n, rotation), 0, out, from, n);
            progress.accept(from + n);
        }
        return out;
    }

    /** n rows as an M×D array (M ≥ n, see ROW_QUANTUM): on the CPU backend in a reused buffer, filled in bulk. */
    private INDArray inputRows(float[] rows, int n) {
        int d = config.inputSize();
        if (!Blas.direct()) return Nd4j.create(rows, new long[] {n, d}, DataType.FLOAT);
        int m = config.architecture().convolutional() ? n : (n + ROW_QUANTUM - 1) / ROW_QUANTUM * ROW_QUANTUM;
        INDArray in = buffer(x, m, d);
        in.data().asNioFloat().put(0, rows, 0, n * d);
        java.lang.ref.Reference.reachabilityFence(in);
        return in;
    }

    private static INDArray buffer(Map<Integer, INDArray> bySize, int rows, int cols) {
        INDArray b = bySize.get(rows);
        if (b == null || b.size(1) != cols) {
            if (bySize.size() >= DenseStack.MAX_INFER_SIZES) bySize.clear();
            bySize.put(rows, b = Nd4j.zeros(DataType.FLOAT, rows, cols));   // zeros: the padding rows start finite
        }
        return b;
    }

    public EncoderConfig config() { return config; }
}
