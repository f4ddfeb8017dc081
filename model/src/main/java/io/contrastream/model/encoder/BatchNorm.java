package io.contrastream.model.encoder;

/**
 * Batch normalisation without affine parameters (Ioffe and Szegedy 2015), x̂ = (z − μ) / √(σ² + ε) per column, over
 * each of {@code groups} equal blocks of rows on its own (the two views of a pair batch are normalised apart, as two
 * forward calls would be). Always batch statistics: it is used only in training heads, never to embed.
 */
public final class BatchNorm {

    /** ε of PyTorch's and DL4J's batch norm. */
    public static final double EPS = 1e-5;

    private BatchNorm() {}

    /** z (n×cols, row-major) becomes x̂ in place; {@code invStd} (groups×cols) receives 1/√(σ² + ε). */
    public static void forward(double[] z, int n, int cols, int groups, double[] invStd) {
        int rows = rowsPerGroup(n, groups);
        for (int g = 0; g < groups; g++) {
            int first = g * rows * cols;
            for (int c = 0; c < cols; c++) {
                double mean = 0;
                for (int r = 0; r < rows; r++) mean += z[first + r * cols + c];
                mean /= rows;
                double var = 0;
                for (int r = 0; r < rows; r++) {
                    double v = z[first + r * cols + c] - mean;
                    var += v * v;
                }
                double inv = 1 / Math.sqrt(var / rows + EPS);   // biased variance, as in training-mode BN
                invStd[g * cols + c] = inv;
                for (int r = 0; r < rows; r++) z[first + r * cols + c] = (z[first + r * cols + c] - mean) * inv;
            }
        }
    }

    /**
     * ∂L/∂x̂ in {@code grad} becomes ∂L/∂z in place: (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) per group and column, the
     * mean and variance being functions of every row of the group.
     */
    public static void backward(double[] grad, double[] xhat, int n, int cols, int groups, double[] invStd) {
        int rows = rowsPerGroup(n, groups);
        for (int g = 0; g < groups; g++) {
            int first = g * rows * cols;
            for (int c = 0; c < cols; c++) {
                double meanG = 0;
                double meanGx = 0;
                for (int r = 0; r < rows; r++) {
                    int i = first + r * cols + c;
                    meanG += grad[i];
                    meanGx += grad[i] * xhat[i];
                }
                meanG /= rows;
                meanGx /= rows;
                double inv = invStd[g * cols + c];
                for (int r = 0; r < rows; r++) {
                    int i = first + r * cols + c;
                    grad[i] = inv * (grad[i] - meanG - xhat[i] * meanGx);
                }
            }
        }
    }

    private static int rowsPerGroup(int n, int groups) {
        if (groups <= 0 || n % groups != 0 || n / groups < 2) {
            throw new IllegalArgumentException("batch norm needs at least 2 rows in each of " + groups + " groups, got " + n + " rows");
        }
        return n / groups;
    }
}
