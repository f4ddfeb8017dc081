package io.contrastream.pipeline.config;

import static io.contrastream.pipeline.config.Params.boolParam;
import static io.contrastream.pipeline.config.Params.doubleParam;
import static io.contrastream.pipeline.config.Params.enumParam;
import static io.contrastream.pipeline.config.Params.intListParam;
import static io.contrastream.pipeline.config.Params.intParam;
import static io.contrastream.pipeline.config.Params.longParam;
import static io.contrastream.pipeline.config.Params.secretParam;
import static io.contrastream.pipeline.config.Params.stringParam;

import io.contrastream.model.serve.ServingSpace;
import io.contrastream.model.train.LearnerConfig;
import java.util.List;

/** Every option of the job, declared once; the CLI, the table in docs/configuration.md and {@code --print-config} come from here. */
public final class JobParams {

    private JobParams() {}

    /** Which encoder to build; {@code auto} picks an MLP for [d], a 1-D temporal CNN for [C,T] and a CNN for [C,H,W]. */
    public enum Architecture { AUTO, MLP, CNN, CONV1D }

    /** Which window the drift statistics compare against. */
    public enum DriftReference { FIRST, PREVIOUS, AFTER_ALARM }

    /** Kafka delivery guarantee of the output sinks. */
    public enum Delivery { AT_LEAST_ONCE, EXACTLY_ONCE }

    /** Whether inputs are standardised by the stream's running moments; {@code auto}: vectors and windows, not images. */
    public enum Standardize { AUTO, ON, OFF }

    /** When the learner takes its replay steps. */
    public enum ReplayMode { IDLE, FIXED }

    /** Where the job starts reading the samples topic when its consumer group has no committed offset. */
    public enum StartFrom { EARLIEST, LATEST }

    // Kafka
    public static final Param<String> BOOTSTRAP_SERVERS = stringParam("bootstrap-servers", "Kafka bootstrap servers, host:port[,host:port]", "localhost:9092", false);
    public static final Param<String> SAMPLES_TOPIC = stringParam("samples-topic", "Topic of input Sample records", "samples", false);
    public static final Param<String> EMBEDDINGS_TOPIC = stringParam("embeddings-topic", "Topic for Embedding records (key: sample id)", "embeddings", false);
    public static final Param<String> DRIFT_TOPIC = stringParam("drift-topic", "Topic for DriftReport records", "drift", false);
    public static final Param<String> DEAD_LETTER_TOPIC = stringParam("dead-letter-topic", "Topic for DeadLetter records", "dead-letters", false);
    public static final Param<String> SNAPSHOT_TOPIC = stringParam("snapshot-topic", "Topic for EncoderSnapshot records (empty: not published)", "encoder-snapshots", true);
    public static final Param<String> GROUP_ID = stringParam("group-id", "Kafka consumer group of the job", "contrastream", false);
    public static final Param<StartFrom> START_FROM = enumParam("start-from", "Where to start without committed offsets", StartFrom.EARLIEST, StartFrom.class);
    public static final Param<Boolean> BOUNDED = boolParam("bounded", "Stop after the samples present at start-up (batch replay of a topic)", false);
    public static final Param<String> KAFKA_PROPERTIES = secretParam("kafka-properties", "Extra Kafka client properties for every client, k=v;k=v (e.g. security.protocol=SASL_SSL;sasl.jaas.config=...); masked in logs");
    public static final Param<Delivery> DELIVERY = enumParam("delivery", "Delivery guarantee of the Kafka sinks: exactly_once (Kafka transactions committed with each checkpoint; read_committed consumers see each record once, up to one checkpoint interval later) or at_least_once", Delivery.EXACTLY_ONCE, Delivery.class);

    // Input and encoder
    public static final Param<int[]> INPUT_SHAPE = intListParam("input-shape", "Shape every sample must have: d for vectors, C,T for sensor windows (C channels of T steps), C,H,W for images", new int[] {32}, 1, 3);
    public static final Param<Standardize> STANDARDIZE = enumParam("standardize", "Z-score every input feature by the running mean and variance of the stream (Welford, kept in the learner's checkpointed state; each snapshot carries them and embedding applies them): auto = on for vectors [d] and sensor windows [C,T], off for images [C,H,W]", Standardize.AUTO, Standardize.class);
    public static final Param<Architecture> ARCHITECTURE = enumParam("architecture", "Encoder backbone", Architecture.AUTO, Architecture.class);
    public static final Param<int[]> HIDDEN = intListParam("hidden", "MLP hidden widths, or filters per conv block of a CNN or CONV1D (unset with those: 32,64)", new int[] {128}, 0, 8);
    public static final Param<Integer> EMBEDDING_DIM = intParam("embedding-dim", "Width of the embedding (backbone output; unset with a CNN or CONV1D: 512 for inputs of 512 values or more, else 128)", 64, 2, 8192);
    public static final Param<Integer> PROJECTION_DIM = intParam("projection-dim", "Width of the projection head output the loss sees (unset with a CNN or CONV1D: 128)", 64, 2, 8192);

    // Learner
    public static final Param<Integer> BATCH_SIZE = intParam("batch-size", "Positive pairs per learner step", 128, 1, 65536);
    public static final Param<Long> BATCH_TIMEOUT_MS = longParam("batch-timeout-ms", "Train on a partial batch after this long, so a slow stream still trains", 2000, 1, 3_600_000);
    public static final Param<LearnerConfig.Method> METHOD = enumParam("method", "Contrastive objective: moco (momentum key encoder, negatives from the queue), simclr (NT-Xent, in-batch negatives), nnclr (the key's nearest queued neighbour is the positive), byol (predictor, momentum target, no negatives) or simsiam (predictor, stop-gradient, no negatives)", LearnerConfig.Method.MOCO, LearnerConfig.Method.class);
    public static final Param<Integer> QUEUE_SIZE = intParam("queue-size", "Negative keys in the MoCo queue (K)", 4096, 1, 1 << 20);
    public static final Param<Boolean> QUEUE_MASK_SAME_ID = boolParam("queue-mask-same-id", "Never use a queued key of the query's own sample id as a negative (repeats, replay)", true);
    public static final Param<Double> QUEUE_MAX_COSINE = doubleParam("queue-max-cosine", "Drop queued negatives more similar to the query than this cosine, as likely near-duplicates (1 = keep all)", 1.0, -1.0, true, 1.0);
    public static final Param<Integer> QUEUE_MAX_AGE = intParam("queue-max-age", "Drop queued keys enqueued more than this many learner steps ago (0 = no limit)", 0, 0, 1 << 30);
    public static final Param<Double> LOSS_CLASS_PRIOR = doubleParam("loss-class-prior", "Debiased contrastive loss (Chuang et al. 2020): expected share of same-class samples among the negatives, tau+ (0 = plain InfoNCE)", 0.0, 0.0, false, 0.5);
    public static final Param<Double> LOSS_HARDNESS = doubleParam("loss-hardness", "Hard-negative reweighting (Robinson et al. 2021): concentration beta on similar negatives (0 = off)", 0.0, 0.0, false, 5.0);
    public static final Param<Double> TEMPERATURE = doubleParam("temperature", "InfoNCE temperature tau", 0.2, 0.0, true, 10.0);
    public static final Param<Double> MOMENTUM = doubleParam("momentum", "Key-encoder EMA momentum m", 0.99, 0.0, false, 0.99999);
    public static final Param<LearnerConfig.Optimizer> OPTIMIZER = enumParam("optimizer", "Query-encoder optimizer", LearnerConfig.Optimizer.ADAM, LearnerConfig.Optimizer.class);
    public static final Param<Double> LEARNING_RATE = doubleParam("learning-rate", "Optimizer learning rate", 1e-3, 0.0, true, 10.0);
    public static final Param<Double> WEIGHT_DECAY = doubleParam("weight-decay", "L2 weight decay added to the query encoder's gradient (MoCo uses 1e-4 with SGD)", 0.0, 0.0, false, 1.0);
    public static final Param<Double> TRAIN_MAX_BUSY = doubleParam("train-max-busy", "Largest fraction of wall-clock time the learner may spend training; batches arriving over that budget are not trained on (counted in contrastream_learner_shed_samples) but still embedded, so training never throttles the embedding feed. 1 = train on every sample: the stream waits for the learner", 1.0, 0.0, true, 1.0);
    public static final Param<Double> REPLAY_RATIO = doubleParam("replay-ratio", "Learner steps on batches replayed from the reservoir per stream step: at most this many with --replay-mode idle, exactly this many with fixed (0 = off; fractions are drawn)", 64.0, 0.0, false, 64.0);
    public static final Param<ReplayMode> REPLAY_MODE = enumParam("replay-mode", "idle: replay only while the learner has caught up with the stream and within --train-max-busy, so a slow stream's spare capacity buys steps and a fast stream is never slowed; fixed: --replay-ratio steps after every stream batch, which the stream waits for (deterministic)", ReplayMode.IDLE, ReplayMode.class);
    public static final Param<Integer> REPLAY_CAPACITY = intParam("replay-capacity", "Raw samples in the learner's replay reservoir", 4096, 1, 1_000_000);
    public static final Param<Integer> SNAPSHOT_EVERY = intParam("snapshot-every", "Publish an encoder snapshot every N learner steps", 20, 1, 1_000_000);
    public static final Param<Long> SNAPSHOT_INTERVAL_MS = longParam("snapshot-interval-ms", "Also publish within this long of any unpublished learner step (0 = only every N steps)", 10_000, 0, 86_400_000);
    public static final Param<Double> AUGMENT_STRENGTH = doubleParam("augment-strength", "Scales every augmentation's magnitude (0 = none)", 1.0, 0.0, false, 2.0);
    public static final Param<Long> SEED = longParam("seed", "Seed of every random choice (weights, augmentations, drift subsampling)", 42, Long.MIN_VALUE, Long.MAX_VALUE);

    // The feed: which vectors stay comparable (docs/feed.md)
    public static final Param<ServingSpace.Mechanism> FEED_COMPATIBILITY = enumParam("feed-compatibility", "How each new encoder version is kept comparable with the vectors already served: compat_align (a compatibility term in the loss that keeps the learner near the served version, and an orthogonal alignment onto its space), compat, align, or none (every version its own space)", ServingSpace.Mechanism.COMPAT_ALIGN, ServingSpace.Mechanism.class);
    public static final Param<Double> COMPATIBILITY_WEIGHT = doubleParam("compatibility-weight", "Weight lambda of the compatibility term: the squared distance between the new and the served encoder's unit embeddings of each training view (BCT-style)", 100.0, 0.0, false, 1000.0);
    public static final Param<Integer> SERVING_WARMUP_STEPS = intParam("serving-warmup-steps", "Learner steps at least before a new space's first version is served (samples wait for it): the first steps move the encoder most, and vectors served then stay the least comparable with later ones", 40, 0, 1_000_000);
    public static final Param<Double> SERVING_WARMUP_PLATEAU = doubleParam("serving-warmup-plateau", "After --serving-warmup-steps, the warm-up lasts until the mean training loss of the last 50 steps is below that of the 50 before by less than this fraction (0 = it ends at --serving-warmup-steps): the compatibility term holds the learner near the first served version, so it should be one that has stopped moving fast", 0.01, 0.0, false, 1.0);
    public static final Param<Integer> SERVING_WARMUP_MAX_STEPS = intParam("serving-warmup-max-steps", "Learner steps at most before a new space's first version is served, plateau or not", 1000, 0, 1_000_000);
    public static final Param<Integer> ANCHOR_SAMPLES = intParam("anchor-samples", "Raw samples (the stream's first) on which each new version is aligned to the served space", 1024, 256, 65_536);

    // Embedding
    public static final Param<Integer> EMBED_BATCH = intParam("embed-batch", "Largest micro-batch of samples per encoder forward pass", 64, 1, 8192);
    public static final Param<Long> EMBED_MAX_DELAY_MS = longParam("embed-max-delay-ms", "Longest a sample waits for its micro-batch to fill", 20, 1, 60_000);

    // Drift
    public static final Param<Integer> DRIFT_WINDOW = intParam("drift-window", "Samples per drift window", 1000, 16, 1_000_000);
    public static final Param<Integer> DRIFT_MAX_SAMPLES = intParam("drift-max-samples", "Subsample per window for the O(n^2) statistics (MMD, uniformity)", 256, 8, 4096);
    public static final Param<Integer> DRIFT_PERMUTATIONS = intParam("drift-permutations", "Permutations for the MMD p-value", 100, 0, 10_000);
    public static final Param<Double> DRIFT_ALARM_LEVEL = doubleParam("drift-alarm-level", "Level alpha of the per-window MMD test: a window with p-value <= alpha is suspect (needs --drift-permutations >= 1/alpha - 1)", 0.01, 0.0, true, 0.5);
    public static final Param<Integer> DRIFT_ALARM_WINDOWS = intParam("drift-alarm-windows", "Consecutive suspect windows that raise the MMD drift alarm", 2, 1, 100);
    public static final Param<Double> PROBE_FRACTION = doubleParam("probe-fraction", "Fraction of labelled samples held out of training for the online kNN monitor", 0.01, 0.0, false, 0.5);
    public static final Param<DriftReference> DRIFT_REFERENCE = enumParam("drift-reference", "Reference window: the first one, the previous one, or the first until an MMD alarm and then the alarmed window (the new normal)", DriftReference.FIRST, DriftReference.class);

    // Runtime
    public static final Param<Integer> PARALLELISM = intParam("parallelism", "Parallelism of decode, augment and the sinks", 2, 1, 1024);
    public static final Param<Integer> EMBED_PARALLELISM = intParam("embed-parallelism", "Parallelism of the embed operator", 2, 1, 1024);
    public static final Param<String> CHECKPOINT_DIR = stringParam("checkpoint-dir", "Checkpoint storage URI (a shared file system on a cluster); empty: <tmpdir>/contrastream-checkpoints", "", true);
    public static final Param<Long> CHECKPOINT_INTERVAL_MS = longParam("checkpoint-interval-ms", "Checkpoint interval (0 = off; exactly-once needs it). With exactly_once delivery a read_committed consumer sees a record when the checkpoint after it completes: this bounds the feed's latency (docs/feed.md)", 1_000, 0, 86_400_000);

    // The live page
    public static final Param<Integer> UI_PORT = intParam("ui-port", "Serve the live page (loss, kNN monitor, drift p-values and alarms, representation drift, dead letters, an embedding map; read from the output topics) from this process on this port of localhost: 0 = any free port (the address is printed), -1 = off", -1, -1, 65535);

    public static final List<Param<?>> ALL = List.of(
            BOOTSTRAP_SERVERS, SAMPLES_TOPIC, EMBEDDINGS_TOPIC, DRIFT_TOPIC, DEAD_LETTER_TOPIC, SNAPSHOT_TOPIC, GROUP_ID,
            START_FROM, BOUNDED, KAFKA_PROPERTIES, DELIVERY,
            INPUT_SHAPE, STANDARDIZE, ARCHITECTURE, HIDDEN, EMBEDDING_DIM, PROJECTION_DIM,
            BATCH_SIZE, BATCH_TIMEOUT_MS, METHOD, QUEUE_SIZE, QUEUE_MASK_SAME_ID, QUEUE_MAX_COSINE, QUEUE_MAX_AGE, LOSS_CLASS_PRIOR, LOSS_HARDNESS, TEMPERATURE, MOMENTUM, OPTIMIZER, LEARNING_RATE, WEIGHT_DECAY, REPLAY_RATIO, REPLAY_MODE, REPLAY_CAPACITY, TRAIN_MAX_BUSY, SNAPSHOT_EVERY, SNAPSHOT_INTERVAL_MS,
            AUGMENT_STRENGTH, SEED, FEED_COMPATIBILITY, COMPATIBILITY_WEIGHT, SERVING_WARMUP_STEPS, SERVING_WARMUP_PLATEAU,
            SERVING_WARMUP_MAX_STEPS, ANCHOR_SAMPLES,
            EMBED_BATCH, EMBED_MAX_DELAY_MS,
            DRIFT_WINDOW, DRIFT_MAX_SAMPLES, DRIFT_PERMUTATIONS, DRIFT_REFERENCE, DRIFT_ALARM_LEVEL, DRIFT_ALARM_WINDOWS, PROBE_FRACTION,
            PARALLELISM, EMBED_PARALLELISM, CHECKPOINT_INTERVAL_MS, CHECKPOINT_DIR, UI_PORT);
}
