package io.contrastream.tools.bench;

import static io.contrastream.pipeline.config.Params.boolParam;
import static io.contrastream.pipeline.config.Params.customParam;
import static io.contrastream.pipeline.config.Params.doubleParam;
import static io.contrastream.pipeline.config.Params.enumParam;
import static io.contrastream.pipeline.config.Params.intListParam;
import static io.contrastream.pipeline.config.Params.intParam;
import static io.contrastream.pipeline.config.Params.stringParam;

import io.contrastream.model.augment.AugmentConfig;
import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.serve.WarmUp;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.config.Param;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code key=value} arguments of {@link StreamStudy} and {@link FeedStudy}, each key declared once; a key that is
 * a job knob takes the job's parser, validator and default, unless the study's default differs on purpose (said why).
 */
public final class StudyArgs {

    /** The multi-crop's local crop area range, {@code min,max}. */
    public record Area(double min, double max) {
        @Override
        public String toString() { return min + "," + max; }
    }

    /** Which served version {@link FeedStudy}'s alignment maps onto. */
    public enum Target { PREVIOUS, MEAN }

    /** Which weights {@link FeedStudy} serves: the query encoder, the momentum key encoder, or the mean of all snapshots (Polyak). */
    public enum Serve { QUERY, KEY, AVERAGE }

    // Both studies
    public static final Param<String> DATA = stringParam("data", "Directory of the IDX files", "/usr/share/datasets/fashion-mnist/", false);
    public static final Param<Long> SEED = JobParams.SEED.as("seed", JobParams.SEED.description(), JobParams.SEED.defaultValue());
    public static final Param<Integer> EVERY = JobParams.SNAPSHOT_EVERY.as("every", "Snapshot (and re-anchor the compatibility term) every N learner steps", JobParams.SNAPSHOT_EVERY.defaultValue());

    // StreamStudy: data
    public static final Param<String> TRAIN = stringParam("train", "Training images, an IDX file in data", "train-images-idx3-ubyte.gz", false);
    public static final Param<String> TRAIN_LABELS = stringParam("trainlabels", "Training labels, an IDX file in data", "train-labels-idx1-ubyte.gz", false);
    public static final Param<String> TEST = stringParam("test", "Test images, an IDX file in data", "t10k-images-idx3-ubyte.gz", false);
    public static final Param<String> TEST_LABELS = stringParam("testlabels", "Test labels, an IDX file in data", "t10k-labels-idx1-ubyte.gz", false);
    public static final Param<int[]> SHAPE = intListParam("shape", "How to read an item: d, C,T or C,H,W (empty: the file's item shape)", new int[0], 0, 3);
    public static final Param<Integer> LIMIT = intParam("limit", "Training samples streamed, at most (the file's first)", 60_000, 1, Integer.MAX_VALUE);
    public static final Param<Double> RATE = doubleParam("rate", "Arrival rate in samples/s; the learner replays while it waits (0 = unpaced)", 0.0, 0.0, false, 1e9);

    // StreamStudy: encoder
    public static final Param<EncoderConfig.Architecture> ARCH = enumParam("arch", "Encoder backbone (the job's auto picks cnn for images)", EncoderConfig.Architecture.CNN, EncoderConfig.Architecture.class);
    public static final Param<int[]> HIDDEN = JobParams.HIDDEN.as("hidden", "Filters per conv block of a cnn or conv1d, or the mlp's hidden widths", Encoders.defaultConvFilters());
    public static final Param<Integer> EMBEDDING = JobParams.EMBEDDING_DIM.as("embedding", "Width of the embedding: 128, the CNN's width when the lever rows were measured (the job's CNN on 784 values: 512)", 128);
    public static final Param<Integer> PROJECTION = JobParams.PROJECTION_DIM.as("projection", "Width of the projection head output, as the job's CNN", 128);
    public static final Param<Boolean> BN = boolParam("bn", "Batch norm after every conv block", false);

    // StreamStudy: learner
    public static final Param<Integer> STREAM_BATCH = JobParams.BATCH_SIZE.as("batch", "Positive pairs per learner step: 256, the batch of the sensitivity and methods baselines (the job's: 128)", 256);
    public static final Param<LearnerConfig.Method> METHOD = JobParams.METHOD.as("method", "Contrastive objective: moco, simclr, nnclr, byol or simsiam", JobParams.METHOD.defaultValue());
    public static final Param<Integer> QUEUE = JobParams.QUEUE_SIZE.as("queue", JobParams.QUEUE_SIZE.description(), JobParams.QUEUE_SIZE.defaultValue());
    public static final Param<Double> TAU = JobParams.TEMPERATURE.as("tau", JobParams.TEMPERATURE.description(), JobParams.TEMPERATURE.defaultValue());
    public static final Param<Double> M = JobParams.MOMENTUM.as("m", JobParams.MOMENTUM.description(), JobParams.MOMENTUM.defaultValue());
    public static final Param<Double> LR = JobParams.LEARNING_RATE.as("lr", "Adam learning rate", JobParams.LEARNING_RATE.defaultValue());
    public static final Param<Boolean> MASK = JobParams.QUEUE_MASK_SAME_ID.as("mask", JobParams.QUEUE_MASK_SAME_ID.description(), JobParams.QUEUE_MASK_SAME_ID.defaultValue());
    public static final Param<Double> MAXCOS = JobParams.QUEUE_MAX_COSINE.as("maxcos", JobParams.QUEUE_MAX_COSINE.description(), JobParams.QUEUE_MAX_COSINE.defaultValue());
    public static final Param<Integer> MAXAGE = JobParams.QUEUE_MAX_AGE.as("maxage", JobParams.QUEUE_MAX_AGE.description(), JobParams.QUEUE_MAX_AGE.defaultValue());
    public static final Param<Double> PRIOR = JobParams.LOSS_CLASS_PRIOR.as("prior", JobParams.LOSS_CLASS_PRIOR.description(), JobParams.LOSS_CLASS_PRIOR.defaultValue());
    public static final Param<Double> HARDNESS = JobParams.LOSS_HARDNESS.as("hardness", JobParams.LOSS_HARDNESS.description(), JobParams.LOSS_HARDNESS.defaultValue());
    public static final Param<Double> REPLAY = JobParams.REPLAY_RATIO.as("replay", "Replayed steps per stream step, fixed (fractions are drawn): 0, one plain pass, the sensitivity baseline (the job's: up to 64 while idle)", 0.0);
    public static final Param<Integer> CAPACITY = JobParams.REPLAY_CAPACITY.as("capacity", JobParams.REPLAY_CAPACITY.description(), JobParams.REPLAY_CAPACITY.defaultValue());
    public static final Param<Boolean> STANDARDIZE = boolParam("standardize", "Z-score inputs by the stream's running moments (the job's auto: off for images)", false);
    public static final Param<Integer> LOCALS = intParam("locals", "Local crops of the multi-crop (0 = off)", 0, 0, 64);
    public static final Param<Area> LOCAL_SCALE = customParam("localscale", "Area range min,max of the local crops", new Area(0.2, 0.5), StudyArgs::area,
            a -> a.min() > 0 && a.min() <= a.max() && a.max() <= 1 ? null : "min,max with 0 < min <= max <= 1");

    // StreamStudy: augmentation; the first image defaults, from which the lever rows of BENCHMARKS.md start
    public static final Param<Double> STRENGTH = JobParams.AUGMENT_STRENGTH.as("strength", JobParams.AUGMENT_STRENGTH.description(), JobParams.AUGMENT_STRENGTH.defaultValue());
    public static final Param<Double> CROP = doubleParam("crop", "Smallest area of an image crop", AugmentConfig.defaults().cropMinArea(), 0.0, true, 1.0);
    public static final Param<Double> FLIP = doubleParam("flip", "Horizontal flip probability: 0.5, the first default, which the lever rows start from (the job's: 0)", 0.5, 0.0, false, 1.0);
    public static final Param<Double> TCROP = doubleParam("tcrop", "Smallest fraction of a window's time crop: 0.8, the first default, which the lever rows start from (the job's: 0.9)", 0.8, 0.0, true, 1.0);
    public static final Param<Double> WARP = doubleParam("warp", "Largest time warp: 0.25, the first default, which the lever rows start from (the job's: 0.1)", 0.25, 0.0, false, 1.0);

    // StreamStudy: the compatibility term and the serving warm-up, as the job runs them
    public static final Param<Double> COMPAT = JobParams.COMPATIBILITY_WEIGHT.as("compat", "Weight of the compatibility term: 0, the learner alone without it (the job's: 100)", 0.0);
    public static final Param<Integer> STREAM_FIRST_SERVE = JobParams.SERVING_WARMUP_STEPS.as("firstserve", JobParams.SERVING_WARMUP_STEPS.description(), JobParams.SERVING_WARMUP_STEPS.defaultValue());
    public static final Param<Integer> MAX_WARM = JobParams.SERVING_WARMUP_MAX_STEPS.as("maxwarm", JobParams.SERVING_WARMUP_MAX_STEPS.description(), JobParams.SERVING_WARMUP_MAX_STEPS.defaultValue());
    public static final Param<Double> PLATEAU = JobParams.SERVING_WARMUP_PLATEAU.as("plateau", "Warm-up plateau: 0, the fixed step count the compatibility runs were measured with (the job's: 0.01)", 0.0);
    public static final Param<Integer> WINDOW = intParam("window", "Steps per window of the warm-up's loss comparison", WarmUp.WINDOW, 1, 1_000_000);

    // StreamStudy: what is measured
    public static final Param<Boolean> PROBE = boolParam("probe", "Also score the linear probe", false);
    public static final Param<Boolean> RANDOM = boolParam("random", "Also score a random encoder of the same configuration", false);

    // FeedStudy
    public static final Param<ServingSpace.Mechanism> MECHANISM = JobParams.FEED_COMPATIBILITY.as("mechanism", "How versions are kept comparable: none (the baseline: every version its own space; the job's: compat_align), align, compat or compat_align", ServingSpace.Mechanism.NONE);
    public static final Param<Double> LAMBDA = JobParams.COMPATIBILITY_WEIGHT.as("lambda", JobParams.COMPATIBILITY_WEIGHT.description(), JobParams.COMPATIBILITY_WEIGHT.defaultValue());
    public static final Param<Integer> FEED_LIMIT = intParam("limit", "Training samples streamed, at most (the file's first): 30,000, as the mechanisms were compared", 30_000, 1, Integer.MAX_VALUE);
    public static final Param<Integer> FEED_BATCH = JobParams.BATCH_SIZE.as("batch", JobParams.BATCH_SIZE.description(), JobParams.BATCH_SIZE.defaultValue());
    public static final Param<Integer> SERVE_EVERY = intParam("serveevery", "Serve every Nth snapshot after the first", 1, 1, 1_000_000);
    public static final Param<Target> TARGET = enumParam("target", "Align each version onto the previous served one or onto their mean", Target.PREVIOUS, Target.class);
    public static final Param<Integer> FEED_FIRST_SERVE = JobParams.SERVING_WARMUP_STEPS.as("firstserve", "Learner steps at least before the first version is served: 0, the first snapshot, as the mechanisms were compared (the job's: 40)", 0);
    public static final Param<Serve> SERVE = enumParam("serve", "Which weights are served: query, key (the momentum encoder) or average (Polyak)", Serve.QUERY, Serve.class);

    /** The keys of {@link StreamStudy}, in the order help and its "args" list them. */
    public static final List<Param<?>> STREAM = List.of(DATA, TRAIN, TRAIN_LABELS, TEST, TEST_LABELS, SHAPE, LIMIT, RATE,
            ARCH, HIDDEN, EMBEDDING, PROJECTION, BN, STREAM_BATCH, METHOD, QUEUE, TAU, M, LR, MASK, MAXCOS, MAXAGE, PRIOR,
            HARDNESS, REPLAY, CAPACITY, STANDARDIZE, LOCALS, LOCAL_SCALE, STRENGTH, CROP, FLIP, TCROP, WARP, COMPAT, EVERY,
            STREAM_FIRST_SERVE, MAX_WARM, PLATEAU, WINDOW, SEED, PROBE, RANDOM);

    /** The keys of {@link FeedStudy}. */
    public static final List<Param<?>> FEED = List.of(DATA, MECHANISM, LAMBDA, FEED_LIMIT, EVERY, SEED, FEED_BATCH,
            SERVE_EVERY, TARGET, FEED_FIRST_SERVE, SERVE);

    private final Map<Param<?>, Object> values = new HashMap<>();
    private final Map<String, String> used = new LinkedHashMap<>();

    private StudyArgs(List<Param<?>> table, String[] args) {
        Map<String, Param<?>> byName = new LinkedHashMap<>();
        for (Param<?> p : table) {
            byName.put(p.name(), p);
            values.put(p, p.defaultValue());
            used.put(p.name(), p.format(p.defaultValue()));
        }
        for (String kv : args) {
            String[] p = kv.split("=", 2);
            Param<?> param = byName.get(p[0]);
            if (p.length != 2 || param == null) {
                throw new IllegalArgumentException("unknown argument " + kv + "; keys: " + String.join(", ", byName.keySet()) + " (help describes them)");
            }
            values.put(param, param.parse(p[1]));
            used.put(param.name(), p[1]);
        }
    }

    /** Parses {@code key=value} arguments against a study's keys; an unknown key or a bad value fails naming the key. */
    public static StudyArgs parse(List<Param<?>> table, String... args) {
        return new StudyArgs(table, args);
    }

    /** As {@link #parse}, for a main: {@code help} prints the keys and exits, a bad argument exits with its one-line message. */
    static StudyArgs parseOrExit(String study, List<Param<?>> table, String... args) {
        if (args.length == 1 && List.of("help", "-h", "--help").contains(args[0])) {
            System.out.print(usage(study, table));
            System.exit(0);
        }
        try {
            return parse(table, args);
        } catch (IllegalArgumentException e) {
            System.err.println(study + ": " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    /** One line per key: name, default and description. */
    public static String usage(String study, List<Param<?>> table) {
        return "usage: " + study + " [key=value ...]\n" + table.stream()
                .map(p -> String.format("  %-12s %-36s %s%n", p.name(), "(" + p.format(p.defaultValue()) + ")", p.description()))
                .collect(Collectors.joining());
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Param<T> p) {
        if (!values.containsKey(p)) throw new IllegalArgumentException(p.name() + " is not a key of this study");
        return (T) values.get(p);
    }

    /** Every key with the text of its value (as given, else the default's), in the table's order. */
    public Map<String, String> used() {
        return used;
    }

    private static Area area(String s) {
        String[] p = s.split(",");
        try {
            if (p.length == 2) return new Area(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
        } catch (NumberFormatException e) {
            // falls through to what is expected
        }
        throw new IllegalArgumentException("two numbers min,max");
    }
}
