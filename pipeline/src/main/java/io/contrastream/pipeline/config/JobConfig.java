package io.contrastream.pipeline.config;

import io.contrastream.model.encoder.EncoderConfig;
import io.contrastream.model.encoder.Encoders;
import io.contrastream.model.train.LearnerConfig;
import io.contrastream.model.train.QueueHygiene;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** An immutable set of values for {@link JobParams}; unset options take their declared default. */
public final class JobConfig implements Serializable {

    private final Map<String, Object> values;

    private JobConfig(Map<String, Object> values) {
        this.values = values;
    }

    public static JobConfig defaults() {
        return new JobConfig(new LinkedHashMap<>());
    }

    /** Parses textual values keyed by option name (no leading dashes); fails on the first invalid or unknown one. */
    public static JobConfig parse(Map<String, String> text) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : text.entrySet()) {
            Param<?> p = JobParams.ALL.stream().filter(x -> x.name().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown option --" + e.getKey()));
            values.put(p.name(), p.parse(e.getValue()));
        }
        return new JobConfig(values).checked();
    }

    public <T> JobConfig with(Param<T> param, T value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(param.name(), param.validate(value));
        return new JobConfig(copy).checked();
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Param<T> param) {
        return values.containsKey(param.name()) ? (T) values.get(param.name()) : param.defaultValue();
    }

    /** Checks that hold across options. */
    private JobConfig checked() {
        int[] shape = get(JobParams.INPUT_SHAPE);
        if (get(JobParams.ARCHITECTURE) == JobParams.Architecture.CNN && shape.length != 3) {
            throw new IllegalArgumentException("--architecture: 'cnn' needs --input-shape C,H,W; got " + JobParams.INPUT_SHAPE.format(shape));
        }
        if (get(JobParams.ARCHITECTURE) == JobParams.Architecture.CONV1D && shape.length != 2) {
            throw new IllegalArgumentException("--architecture: 'conv1d' needs --input-shape C,T; got " + JobParams.INPUT_SHAPE.format(shape));
        }
        int needed = io.contrastream.model.drift.DriftAlarms.permutationsFor(get(JobParams.DRIFT_ALARM_LEVEL));
        if (get(JobParams.DRIFT_PERMUTATIONS) < needed && get(JobParams.DRIFT_PERMUTATIONS) > 0) {   // 0: no MMD test
            throw new IllegalArgumentException("--drift-permutations: " + get(JobParams.DRIFT_PERMUTATIONS) + " permutations cannot give a p-value <= --drift-alarm-level "
                    + get(JobParams.DRIFT_ALARM_LEVEL) + "; allowed: at least " + needed + ", or 0 for no MMD test");
        }
        LearnerConfig.Method method = get(JobParams.METHOD);
        if ((method == LearnerConfig.Method.BYOL || method == LearnerConfig.Method.SIMSIAM) && get(JobParams.BATCH_SIZE) < 2) {
            throw new IllegalArgumentException("--batch-size: " + method.name().toLowerCase(java.util.Locale.ROOT)
                    + " batch-normalises over the batch; allowed: 2 to 65536");
        }
        if (get(JobParams.DELIVERY) == JobParams.Delivery.EXACTLY_ONCE && get(JobParams.CHECKPOINT_INTERVAL_MS) <= 0) {
            throw new IllegalArgumentException("--delivery: 'exactly_once' needs checkpoints; expected --checkpoint-interval-ms > 0");
        }
        if (get(JobParams.SERVING_WARMUP_MAX_STEPS) < get(JobParams.SERVING_WARMUP_STEPS)) {
            throw new IllegalArgumentException("--serving-warmup-max-steps: " + get(JobParams.SERVING_WARMUP_MAX_STEPS)
                    + " is below --serving-warmup-steps " + get(JobParams.SERVING_WARMUP_STEPS) + "; allowed: at least that");
        }
        return this;
    }

    /**
     * The encoder. Widths left unset follow the architecture: the declared defaults (128 → 64) suit an MLP on
     * vectors; a CNN or CONV1D gets the small CNN of the references (conv 32, conv 64 → 128, or → 512 for inputs of
     * 512 values or more), since one 128-filter block with a 64-wide embedding learned nothing on 8×8 digits.
     */
    public EncoderConfig encoderConfig() {
        int[] shape = get(JobParams.INPUT_SHAPE);
        EncoderConfig.Architecture arch = switch (get(JobParams.ARCHITECTURE)) {
            case AUTO -> EncoderConfig.defaultArchitecture(shape);
            case MLP -> EncoderConfig.Architecture.MLP;
            case CNN -> EncoderConfig.Architecture.CNN;
            case CONV1D -> EncoderConfig.Architecture.CONV1D;
        };
        boolean cnn = arch.convolutional();
        int[] hidden = cnn && !isSet(JobParams.HIDDEN) ? Encoders.defaultConvFilters() : get(JobParams.HIDDEN);
        // 512 where the input has room (Fashion-MNIST: +4 points on the linear probe over 128, BENCHMARKS.md); on
        // small inputs a wide random embedding already does as well as a trained one, and 128 learns more.
        int embedding = cnn && !isSet(JobParams.EMBEDDING_DIM) ? (shape.length > 0 && volume(shape) >= 512 ? 512 : 128)
                : get(JobParams.EMBEDDING_DIM);
        int projection = cnn && !isSet(JobParams.PROJECTION_DIM) ? 128 : get(JobParams.PROJECTION_DIM);
        return new EncoderConfig(arch, shape, hidden, embedding, embedding, projection, get(JobParams.SEED));
    }

    /** Whether the learner standardises its inputs ({@code --standardize}; auto: all but images). */
    public boolean standardizesInputs() {
        return switch (get(JobParams.STANDARDIZE)) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> get(JobParams.INPUT_SHAPE).length < 3;
        };
    }

    private static int volume(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    private boolean isSet(Param<?> param) {
        return values.containsKey(param.name());
    }

    public LearnerConfig learnerConfig() {
        return new LearnerConfig(get(JobParams.QUEUE_SIZE), get(JobParams.TEMPERATURE), get(JobParams.MOMENTUM),
                get(JobParams.OPTIMIZER), get(JobParams.LEARNING_RATE), get(JobParams.WEIGHT_DECAY),
                new QueueHygiene(get(JobParams.QUEUE_MASK_SAME_ID), get(JobParams.QUEUE_MAX_COSINE), get(JobParams.QUEUE_MAX_AGE)),
                new LearnerConfig.Debiasing(get(JobParams.LOSS_CLASS_PRIOR), get(JobParams.LOSS_HARDNESS)), get(JobParams.METHOD));
    }

    /** The extra Kafka client properties ({@code k=v;k=v}) plus the bootstrap servers, for every client the job creates. */
    public Properties kafkaProperties() {
        Properties p = parseKafkaProperties(get(JobParams.KAFKA_PROPERTIES));
        p.setProperty("bootstrap.servers", get(JobParams.BOOTSTRAP_SERVERS));
        return p;
    }

    /**
     * Parses {@code k=v;k=v}; values may contain '=' (e.g. JAAS configurations). Since ';' separates entries, a JAAS
     * configuration's closing ';' is added back here.
     */
    public static Properties parseKafkaProperties(String text) {
        Properties p = new Properties();
        for (String kv : text.split(";")) {
            if (kv.isBlank()) continue;
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--kafka-properties: expected k=v;k=v, got an entry without '='");
            String key = kv.substring(0, eq).trim();
            String value = kv.substring(eq + 1).trim();
            if (key.endsWith("jaas.config") && !value.endsWith(";")) value += ";";
            p.setProperty(key, value);
        }
        return p;
    }

    /** Every option with its effective value, secrets masked: what {@code --print-config} shows. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        EncoderConfig encoder = encoderConfig();
        for (Param<?> p : JobParams.ALL) {
            String v = p == JobParams.HIDDEN ? JobParams.HIDDEN.format(encoder.hidden())
                    : p == JobParams.EMBEDDING_DIM ? Integer.toString(encoder.embeddingDim())
                    : p == JobParams.PROJECTION_DIM ? Integer.toString(encoder.projectionDim())
                    : p.format(get(p));
            out.put(p.name(), p.secret() && !v.isEmpty() ? "******" : v);
        }
        return out;
    }

    @Override
    public String toString() {
        return describe().toString();
    }
}
