package io.contrastream.pipeline;

/**
 * Names of the job's own metrics. Flink's Prometheus reporter exposes each as
 * {@code flink_taskmanager_job_task_operator_<name>}; the Grafana dashboard queries exactly these.
 */
public final class Metrics {

    private Metrics() {}

    public static final String DECODE_VALID = "contrastream_decode_valid";
    public static final String DECODE_DEAD_LETTERS = "contrastream_decode_dead_letters";

    public static final String LEARNER_STEP = "contrastream_learner_step";
    public static final String LEARNER_LOSS = "contrastream_learner_loss";
    public static final String LEARNER_ENCODER_VERSION = "contrastream_learner_encoder_version";
    public static final String LEARNER_QUEUE_FILL = "contrastream_learner_queue_fill";
    public static final String LEARNER_SAMPLES_PER_SECOND = "contrastream_learner_samples_per_second";
    public static final String LEARNER_SKIPPED_STEPS = "contrastream_learner_skipped_steps";
    public static final String LEARNER_SHED_SAMPLES = "contrastream_learner_shed_samples";
    public static final String LEARNER_GRADIENT_NORM = "contrastream_learner_gradient_norm";
    public static final String LEARNER_EXCLUDED_NEGATIVES = "contrastream_learner_excluded_negatives";
    public static final String LEARNER_QUEUE_AGE_MEDIAN = "contrastream_learner_queue_age_median_steps";
    public static final String LEARNER_QUEUE_AGE_MAX = "contrastream_learner_queue_age_max_steps";

    public static final String EMBED_EMBEDDINGS = "contrastream_embed_embeddings";
    public static final String EMBED_ENCODER_VERSION = "contrastream_embed_encoder_version";
    public static final String EMBED_BUFFERED = "contrastream_embed_buffered";

    public static final String DRIFT_WINDOWS = "contrastream_drift_windows";
    public static final String DRIFT_MMD2 = "contrastream_drift_mmd2";
    public static final String DRIFT_ALARMS = "contrastream_drift_alarms";
    public static final String DRIFT_REPRESENTATION_MOVEMENT = "contrastream_drift_representation_cosine_movement";
    public static final String DRIFT_REPRESENTATION_KNN_OVERLAP = "contrastream_drift_representation_knn_overlap";
    public static final String DRIFT_MMD_P_VALUE = "contrastream_drift_mmd_p_value";
    public static final String DRIFT_MEAN_SHIFT = "contrastream_drift_mean_shift";
    public static final String DRIFT_COLLAPSE_STD = "contrastream_drift_collapse_std";
    public static final String DRIFT_EFFECTIVE_RANK = "contrastream_drift_effective_rank";
    public static final String DRIFT_ALIGNMENT = "contrastream_drift_alignment";
    public static final String DRIFT_UNIFORMITY = "contrastream_drift_uniformity";
    public static final String DRIFT_KNN_ACCURACY = "contrastream_drift_knn_accuracy";
}
