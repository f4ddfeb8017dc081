package io.contrastream.pipeline.ui;

import io.contrastream.schema.DriftReport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the live page shows, folded from the output topics as records arrive: per-window training and drift figures,
 * representation drift per encoder version, dead letters by reason, and the newest embeddings with their labels for
 * the map. Every collection is capped, so a long-running job's page stays small. Thread-safe.
 */
public final class LiveState {

    static final int MAX_WINDOWS = 5_000;
    static final int MAX_VERSIONS = 2_000;
    static final int MAX_REASONS = 64;
    static final int MAX_EMBEDDINGS = 6_000;
    /** Caps the embeddings kept by size too: 6,000 vectors of 8,192 floats would otherwise be 200 MB. */
    static final long MAX_EMBEDDING_FLOATS = 4_000_000;
    static final int MAX_LABELS = 100_000;
    static final int MAP_POINTS = 3_000;
    /** The map shows the newest encoder version with at least this many points (else the one with the most). */
    public static final int MIN_MAP_POINTS = 200;
    private static final long MAP_REFRESH_MS = 1_000;
    private static final long PCA_SEED = 17;

    private record Window(long index, long startMs, long endMs, long trainSteps, long learnerStep, Double loss, Double knn,
                          Double knnRaw, Double pValue, Double alarmLevel, boolean alarm, String detectors, long encoderVersion) {}

    private record Movement(long fromVersion, Double cosineMovement, Double knnOverlap) {}

    private record Vector(String sampleId, long version, float[] values) {}

    /** The map as last computed: which version, the points, their labels (-1: none known), explained variance. */
    record MapView(long version, double[][] xy, int[] labels, double[] explained, long computedFrom) {
        static final MapView EMPTY = new MapView(-1, new double[0][], new int[0], new double[0], -1);
    }

    private final TreeMap<Long, Window> windows = new TreeMap<>();
    private final TreeMap<Long, Movement> movements = new TreeMap<>();
    private final TreeMap<String, Long> deadLetters = new TreeMap<>();
    private final ArrayDeque<Vector> vectors = new ArrayDeque<>();
    private final TreeMap<Long, Integer> vectorsByVersion = new TreeMap<>();
    private long vectorFloats;
    private long embeddingsSeen;
    private long samplesSeen;
    private long unreadable;
    private long lastRecordMs;
    private final LinkedHashMap<String, Integer> labels = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > MAX_LABELS;
        }
    };

    private final Object mapLock = new Object();
    private MapView map = MapView.EMPTY;
    /** The previous map's components: the next refresh of the same version starts from them. */
    private double[][] mapComponents;
    private long mapComputedAtMs;

    /** Folds in one drift report; a window read twice (at-least-once delivery) replaces itself. */
    public synchronized void addDrift(DriftReport r) {
        windows.put(r.getWindowIndex(), new Window(r.getWindowIndex(), r.getWindowStart().toEpochMilli(),
                r.getWindowEnd().toEpochMilli(), r.getTrainSteps(), r.getLearnerStep(), r.getLoss(), r.getKnnAccuracy(),
                r.getKnnAccuracyRaw(), r.getMmdPValue(), r.getMmdAlarmLevel(), r.getAlarm(), r.getAlarmDetectors(),
                r.getEncoderVersion()));
        if (windows.size() > MAX_WINDOWS) windows.pollFirstEntry();
        // A window whose version did not change reports a movement of 0 from itself: only a change is worth a point.
        if (r.getRepresentationFromVersion() != null && r.getRepresentationFromVersion() != r.getEncoderVersion()) {
            movements.put(r.getEncoderVersion(), new Movement(r.getRepresentationFromVersion(), r.getRepresentationCosineMovement(),
                    r.getRepresentationKnnOverlap()));
            if (movements.size() > MAX_VERSIONS) movements.pollFirstEntry();
        }
        touched();
    }

    /** Counts one dead letter; past {@link #MAX_REASONS} distinct reasons the rest count as OTHER. */
    public synchronized void addDeadLetter(String reason) {
        String key = deadLetters.containsKey(reason) || deadLetters.size() < MAX_REASONS ? reason : "OTHER";
        deadLetters.merge(key, 1L, Long::sum);
        touched();
    }

    /** Keeps one embedding for the map, dropping the oldest past the caps. */
    public synchronized void addEmbedding(String sampleId, long version, float[] values) {
        embeddingsSeen++;
        vectors.addLast(new Vector(sampleId, version, values));
        vectorsByVersion.merge(version, 1, Integer::sum);
        vectorFloats += values.length;
        while (vectors.size() > MAX_EMBEDDINGS || (vectorFloats > MAX_EMBEDDING_FLOATS && vectors.size() > 1)) {
            Vector old = vectors.removeFirst();
            vectorFloats -= old.values().length;
            if (vectorsByVersion.merge(old.version(), -1, Integer::sum) == 0) vectorsByVersion.remove(old.version());
        }
        touched();
    }

    /** Remembers a sample's label (if it has one) so the map can colour its embedding. */
    public synchronized void addSample(String sampleId, Integer label) {
        samplesSeen++;
        if (label != null) labels.put(sampleId, label);
        touched();
    }

    /** Counts a record that could not be decoded (the samples topic carries the bad inputs too). */
    public synchronized void addUnreadable() {
        unreadable++;
    }

    private void touched() {
        lastRecordMs = System.currentTimeMillis();
    }

    /** The map of the newest version with enough points, recomputed at most once a second and only after new data. */
    MapView map() {
        synchronized (mapLock) {
            long now = System.currentTimeMillis();
            long seen;
            float[][] rows;
            int[] rowLabels;
            long version;
            synchronized (this) {
                seen = embeddingsSeen;
                if (seen == map.computedFrom() || now - mapComputedAtMs < MAP_REFRESH_MS && map.computedFrom() >= 0) return map;
                version = mapVersion();
                if (version < 0) return map;
                List<Vector> chosen = new ArrayList<>();
                for (Iterator<Vector> it = vectors.descendingIterator(); it.hasNext() && chosen.size() < MAP_POINTS; ) {
                    Vector v = it.next();
                    if (v.version() == version) chosen.add(v);
                }
                rows = new float[chosen.size()][];
                rowLabels = new int[chosen.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = chosen.get(i).values();
                    rowLabels[i] = labels.getOrDefault(chosen.get(i).sampleId(), -1);
                }
            }
            // The PCA runs outside the state's lock, so the topic reader never waits for it.
            Pca.Result pca = Pca.project(rows, 2, PCA_SEED, version == map.version() ? mapComponents : null);
            mapComponents = pca.components();
            double[][] xy = new double[rows.length][2];
            for (int i = 0; i < rows.length; i++) {
                xy[i][0] = pca.coords()[i].length > 0 ? pca.coords()[i][0] : 0;
                xy[i][1] = pca.coords()[i].length > 1 ? pca.coords()[i][1] : 0;
            }
            double[] explained = new double[pca.variance().length];
            for (int c = 0; c < explained.length; c++) explained[c] = pca.explained(c);
            map = new MapView(version, xy, rowLabels, explained, seen);
            mapComputedAtMs = now;
            return map;
        }
    }

    private long mapVersion() {
        long most = -1;
        int mostCount = 0;
        for (Map.Entry<Long, Integer> e : vectorsByVersion.descendingMap().entrySet()) {
            if (e.getValue() >= MIN_MAP_POINTS) return e.getKey();
            if (e.getValue() > mostCount) {
                most = e.getKey();
                mostCount = e.getValue();
            }
        }
        return most;
    }

    /** The whole state as the JSON document the page polls. */
    public String json() {
        MapView m = map();
        Json j = new Json().beginObject();
        synchronized (this) {
            j.key("now").num(System.currentTimeMillis()).key("lastRecord").num(lastRecordMs);
            j.key("counts").beginObject().key("windows").num(windows.size()).key("embeddings").num(embeddingsSeen)
                    .key("samples").num(samplesSeen).key("labelled").num(labels.size()).key("unreadable").num(unreadable)
                    .key("deadLetters").num(deadLetters.values().stream().mapToLong(Long::longValue).sum()).endObject();
            windowsJson(j);
            j.key("representation").beginObject();
            column(j, "version", movements.keySet().stream().map(v -> (double) v).toList());
            column(j, "fromVersion", movements.values().stream().map(x -> (double) x.fromVersion()).toList());
            column(j, "cosineMovement", movements.values().stream().map(Movement::cosineMovement).toList());
            column(j, "knnOverlap", movements.values().stream().map(Movement::knnOverlap).toList());
            j.endObject();
            j.key("deadLetters").beginObject();
            deadLetters.forEach((reason, n) -> j.key(reason).num(n));
            j.endObject();
        }
        mapJson(j, m);
        return j.endObject().toString();
    }

    private void windowsJson(Json j) {
        List<Window> ws = new ArrayList<>(windows.values());
        List<Double> rate = new ArrayList<>();
        Window prev = null;
        for (Window w : ws) {
            // Steps per second of event time since the last window with learner steps (a window without any reports
            // learner step 0): the learner's pace against the stream's.
            if (w.trainSteps() <= 0) {
                rate.add(null);
                continue;
            }
            double dt = prev == null ? 0 : (w.endMs() - prev.endMs()) / 1000.0;
            rate.add(dt > 0 ? (w.learnerStep() - prev.learnerStep()) / dt : null);
            prev = w;
        }
        j.key("windows").beginObject();
        column(j, "index", ws.stream().map(w -> (double) w.index()).toList());
        column(j, "start", ws.stream().map(w -> (double) w.startMs()).toList());
        column(j, "end", ws.stream().map(w -> (double) w.endMs()).toList());
        column(j, "learnerStep", ws.stream().map(w -> w.trainSteps() > 0 ? (Double) (double) w.learnerStep() : null).toList());
        column(j, "stepRate", rate);
        column(j, "loss", ws.stream().map(Window::loss).toList());
        column(j, "knn", ws.stream().map(Window::knn).toList());
        column(j, "knnRaw", ws.stream().map(Window::knnRaw).toList());
        column(j, "pValue", ws.stream().map(Window::pValue).toList());
        column(j, "alarmLevel", ws.stream().map(Window::alarmLevel).toList());
        column(j, "encoderVersion", ws.stream().map(w -> (double) w.encoderVersion()).toList());
        j.key("alarm").beginArray();
        ws.forEach(w -> j.bool(w.alarm()));
        j.endArray();
        j.key("detectors").beginArray();
        ws.forEach(w -> j.str(w.detectors()));
        j.endArray();
        j.endObject();
    }

    private static void mapJson(Json j, MapView m) {
        j.key("map").beginObject().key("version").num(m.version()).key("points").num(m.xy().length);
        j.key("explained").beginArray();
        for (double e : m.explained()) j.round(e, 4);
        j.endArray();
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int l : m.labels()) if (l >= 0) distinct.add(l);
        j.key("labels").beginArray();
        distinct.forEach(l -> j.num(l));
        j.endArray();
        j.key("x").beginArray();
        for (double[] p : m.xy()) j.round(p[0], 4);
        j.endArray().key("y").beginArray();
        for (double[] p : m.xy()) j.round(p[1], 4);
        j.endArray().key("label").beginArray();
        for (int l : m.labels()) j.num(l);
        j.endArray().endObject();
    }

    private static void column(Json j, String name, List<Double> values) {
        j.key(name).beginArray();
        values.forEach(j::num);
        j.endArray();
    }
}
