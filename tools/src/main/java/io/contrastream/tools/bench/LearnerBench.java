package io.contrastream.tools.bench;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.linalg.Blas;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.Learner;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures samples/s of full MoCo steps (pair in → query and key forward, logits against the queue, backward, Adam,
 * momentum update, enqueue) and, as the ceiling, the matrix-multiply GFLOP/s of this machine. Prints one JSON object
 * per line; {@code bench/speed} runs it interleaved with the PyTorch peer.
 */
public final class LearnerBench {

    private LearnerBench() {}

    /**
     * Arguments: {@code step ENCODER BATCH QUEUE SECONDS [THREADINGS ROUNDS]}, {@code multicrop ENCODER BATCH QUEUE LOCALS
     * SECONDS}, {@code embed ENCODER BATCH THREADS SECONDS} or {@code gemm N SECONDS}. THREADINGS (e.g.
     * {@code openblas,split}) are {@link Blas.Threading}s measured in turn, ROUNDS times, on one warm learner: a ratio
     * within one run.
     */
    public static void main(String[] args) throws InterruptedException {
        Locale.setDefault(Locale.ROOT);
        if (args.length >= 1 && args[0].equals("gemm")) {
            gemm(Integer.parseInt(args[1]), Double.parseDouble(args[2]));
        } else if (args.length == 5 && args[0].equals("embed")) {
            embed(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Double.parseDouble(args[4]));
        } else if ((args.length == 5 || args.length == 7) && args[0].equals("step")) {
            String[] modes = args.length == 7 ? args[5].split(",") : new String[] {null};
            step(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Double.parseDouble(args[4]), modes,
                    args.length == 7 ? Integer.parseInt(args[6]) : 1);
        } else if (args.length == 6 && args[0].equals("multicrop")) {
            multiCrop(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Double.parseDouble(args[5]));
        } else {
            System.err.println("usage: LearnerBench step mlp|cnn|cnn-bn|cnn512 BATCH QUEUE SECONDS [openblas,split ROUNDS] | multicrop cnn|cnn512 BATCH QUEUE LOCALS SECONDS | embed mlp|cnn BATCH THREADS SECONDS | gemm N SECONDS");
            System.exit(2);
        }
    }

    /** The benchmark encoders: the MLP 784-512-256 → 128 and the small CNN of the reference runs, on 1×28×28, also with batch norm. */
    static EncoderConfig encoder(String name) {
        return switch (name) {
            case "mlp" -> new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {784}, new int[] {512}, 256, 256, 128, 1);
            case "cnn" -> new EncoderConfig(EncoderConfig.Architecture.CNN, new int[] {1, 28, 28}, Encoders.defaultConvFilters(), 128, 128, 128, 1);
            case "cnn-bn" -> encoder("cnn").withConvBatchNorm(true);
            case "cnn512" -> new EncoderConfig(EncoderConfig.Architecture.CNN, new int[] {1, 28, 28}, Encoders.defaultConvFilters(), 512, 128, 128, 1);
            default -> throw new IllegalArgumentException("encoder must be mlp, cnn, cnn-bn or cnn512, got " + name);
        };
    }

    /** FLOPs of one MLP step: query forward F, key forward F, backward 2F, and the two B×K×p products. */
    static double mlpFlops(int batch, int queue) {
        double macs = 784 * 512 + 512 * 256 + 256 * 256 + 256 * 128;
        double forward = 2.0 * batch * macs;
        return 4 * forward + 2 * (2.0 * batch * queue * 128);
    }

    /**
     * FLOPs of one CNN step, same accounting: per image, conv 3×3 1→32 on 28×28 and 32→64 on 14×14, fc 64·7·7→128,
     * projection 128→128→128 (the first conv's input gradient is not computed, which this count ignores).
     */
    static double cnnFlops(int batch, int queue) {
        double macs = 28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 64 * 7 * 7 * 128 + 128 * 128 + 128 * 128;
        double forward = 2.0 * batch * macs;
        return 4 * forward + 2 * (2.0 * batch * queue * 128);
    }

    static void step(String name, int batch, int queue, double seconds, String[] modes, int rounds) {
        EncoderConfig config = encoder(name);
        Learner learner = new Learner(config, new LearnerConfig(queue, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 0));
        int d = config.inputSize();
        SplittableRandom rng = new SplittableRandom(7);
        float[] a = new float[batch * d];
        float[] b = new float[batch * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextDouble();
            b[i] = (float) rng.nextDouble();
        }
        // Fill the queue and warm up the JIT before timing: a young queue makes steps artificially cheap.
        int warm = Math.max(10, queue / batch + 5);
        for (int i = 0; i < warm; i++) learner.step(a, b, batch);
        for (int round = 0; round < rounds; round++) {
            for (String mode : modes) {
                if (mode != null) Blas.threading(Blas.Threading.valueOf(mode.toUpperCase(Locale.ROOT)));
                timeSteps(learner, name, batch, queue, seconds, a, b, mode);
            }
        }
    }

    private static void timeSteps(Learner learner, String name, int batch, int queue, double seconds, float[] a,
                                  float[] b, String mode) {
        for (int i = 0; i < 3; i++) learner.step(a, b, batch);   // the new threading's helper warm
        long[] cpu0 = CpuTimes.process();
        long start = System.nanoTime();
        int steps = 0;
        while (System.nanoTime() - start < seconds * 1e9 || steps < 5) {
            learner.step(a, b, batch);
            steps++;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] cpu1 = CpuTimes.process();
        double perSecond = steps * batch / elapsed;
        double flops = name.equals("mlp") ? mlpFlops(batch, queue) : cnnFlops(batch, queue);
        String gflops = String.format("%.1f", flops * steps / elapsed / 1e9);
        System.out.printf("{\"impl\": \"java\", \"encoder\": \"%s\", \"batch\": %d, \"queue\": %d, \"threading\": \"%s\", "
                + "\"steps\": %d, \"samples_per_s\": %.1f, \"ms_per_step\": %.2f, \"gflops\": %s, "
                + "\"cpu_user_ms_per_step\": %.2f, \"cpu_system_ms_per_step\": %.2f}%n",
                name, batch, queue, mode == null ? "default" : mode, steps, perSecond, 1000 * elapsed / steps, gflops,
                (cpu1[0] - cpu0[0]) / 1e6 / steps, (cpu1[1] - cpu0[1]) / 1e6 / steps);
    }

    /**
     * The tensor cost of multi-crop: a plain MoCo step and one with {@code locals} local crops a sample, alternated step
     * by step on two learners, so that a shared machine's load falls on both alike (crop making not included).
     */
    static void multiCrop(String name, int batch, int queue, int locals, double seconds) {
        EncoderConfig config = encoder(name);
        LearnerConfig lc = new LearnerConfig(queue, 0.2, 0.99, LearnerConfig.Optimizer.ADAM, 1e-3, 0);
        Learner plain = new Learner(config, lc);
        Learner multi = new Learner(config, lc);
        SplittableRandom rng = new SplittableRandom(7);
        float[] a = new float[batch * config.inputSize()];
        float[] b = new float[a.length];
        float[] l = new float[locals * a.length];
        for (float[] x : new float[][] {a, b, l}) for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        for (int i = 0; i < Math.max(10, queue / batch + 5); i++) {   // full queues and a warm JIT, as in step()
            plain.step(a, b, batch);
            multi.step(a, b, l, locals, null, batch);
        }
        long plainNanos = 0;
        long multiNanos = 0;
        int steps = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9 || steps < 5) {
            long t0 = System.nanoTime();
            plain.step(a, b, batch);
            long t1 = System.nanoTime();
            multi.step(a, b, l, locals, null, batch);
            multiNanos += System.nanoTime() - t1;
            plainNanos += t1 - t0;
            steps++;
        }
        System.out.printf("{\"impl\": \"java\", \"encoder\": \"%s\", \"batch\": %d, \"queue\": %d, \"locals\": %d, \"steps\": %d, "
                + "\"plain_ms_per_step\": %.1f, \"multicrop_ms_per_step\": %.1f, \"cost_ratio\": %.2f}%n",
                name, batch, queue, locals, steps, plainNanos / 1e6 / steps, multiNanos / 1e6 / steps, (double) multiNanos / plainNanos);
    }

    /**
     * The embed operator's work: {@link FrozenEncoder#embed(float[], int)} on micro-batches of the given size, in
     * {@code threads} threads with one encoder each (as parallel embed subtasks are). Samples/s over all threads.
     */
    static void embed(String name, int batch, int threads, double seconds) throws InterruptedException {
        EncoderConfig config = encoder(name);
        float[] weights = new Learner(config, LearnerConfig.defaults()).snapshot(1).weights();
        AtomicLong done = new AtomicLong();
        AtomicLong end = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch warm = new CountDownLatch(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long seed = t;
            workers[t] = new Thread(() -> {
                FrozenEncoder e = new FrozenEncoder(config, weights);
                SplittableRandom rng = new SplittableRandom(seed);
                float[] rows = new float[batch * config.inputSize()];
                for (int i = 0; i < rows.length; i++) rows[i] = (float) rng.nextDouble();
                for (int i = 0; i < 20; i++) e.embed(rows, batch);   // JIT and buffers warm before timing
                warm.countDown();
                while (System.nanoTime() < end.get()) {
                    e.embed(rows, batch);
                    done.addAndGet(batch);
                }
            });
            workers[t].start();
        }
        warm.await();
        long start = System.nanoTime();
        done.set(0);
        end.set(start + (long) (seconds * 1e9));
        for (Thread w : workers) w.join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("{\"impl\": \"java\", \"encoder\": \"%s\", \"embed_batch\": %d, \"threads\": %d, \"samples_per_s\": %.1f}%n",
                name, batch, threads, done.get() / elapsed);
    }

    static void gemm(int n, double seconds) {
        INDArray x = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray y = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray out = Nd4j.create(DataType.FLOAT, n, n);
        double nd4j = rate(() -> x.mmuli(y, out), n, seconds);
        double direct = rate(() -> Blas.gemm(x, y, out, 1f, 0f), n, seconds);
        System.out.printf("{\"impl\": \"java\", \"gemm_n\": %d, \"nd4j_mmul_gflops\": %.1f, \"openblas_sgemm_gflops\": %.1f}%n",
                n, nd4j, direct);
    }

    private static double rate(Runnable r, int n, double seconds) {
        for (int i = 0; i < 3; i++) r.run();
        long start = System.nanoTime();
        int reps = 0;
        while (System.nanoTime() - start < seconds * 1e9 || reps < 3) {
            r.run();
            reps++;
        }
        return 2.0 * n * n * n * reps / ((System.nanoTime() - start) / 1e9) / 1e9;
    }
}
