package io.contrastream.pipeline.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.schema.DriftReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiveStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static DriftReport.Builder window(long index, long endMs, long trainSteps, long learnerStep) {
        return DriftReport.newBuilder().setWindowIndex(index).setWindowStart(Instant.ofEpochMilli(endMs - 900))
                .setWindowEnd(Instant.ofEpochMilli(endMs)).setEncoderVersion(1).setSampleCount(1000)
                .setTrainSteps(trainSteps).setLearnerStep(learnerStep);
    }

    private static JsonNode json(LiveState s) throws Exception {
        return JSON.readTree(s.json());   // also checks that the hand-written JSON parses
    }

    private static List<Double> numbers(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isNull() ? null : n.asDouble()));
        return out;
    }

    @Test
    void theStepRateSkipsWindowsWithoutLearnerSteps() throws Exception {
        LiveState s = new LiveState();
        s.addDrift(window(0, 10_000, 5, 5).setLoss(6.0).build());
        s.addDrift(window(1, 11_000, 0, 0).build());   // no learner step reported: learner_step is 0, not "still 5"
        s.addDrift(window(2, 12_000, 10, 25).setLoss(5.5).build());
        s.addDrift(window(3, 14_000, 4, 29).setLoss(5.0).build());
        JsonNode w = json(s).get("windows");
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0), numbers(w.get("index")));
        assertEquals(java.util.Arrays.asList(null, null, 10.0, 2.0), numbers(w.get("stepRate")));
        assertEquals(java.util.Arrays.asList(5.0, null, 25.0, 29.0), numbers(w.get("learnerStep")));
        assertEquals(java.util.Arrays.asList(6.0, null, 5.5, 5.0), numbers(w.get("loss")));
    }

    @Test
    void aWindowReadTwiceCountsOnceAndAlarmsKeepTheirDetectors() throws Exception {
        LiveState s = new LiveState();
        s.addDrift(window(0, 10_000, 1, 1).setMmdPValue(0.5).setMmdAlarmLevel(0.01).build());
        DriftReport alarm = window(1, 11_000, 1, 2).setMmdPValue(0.0099).setMmdAlarmLevel(0.01).setAlarm(true).setAlarmDetectors("mmd").build();
        s.addDrift(alarm);
        s.addDrift(alarm);   // at-least-once delivery
        JsonNode w = json(s).get("windows");
        assertEquals(2, w.get("index").size());
        assertEquals(List.of(0.5, 0.0099), numbers(w.get("pValue")));
        assertTrue(w.get("alarm").get(1).asBoolean());
        assertEquals("mmd", w.get("detectors").get(1).asText());
        assertTrue(w.get("detectors").get(0).isNull());
    }

    @Test
    void windowsAreCappedOldestFirst() throws Exception {
        LiveState s = new LiveState();
        for (int i = 0; i < LiveState.MAX_WINDOWS + 10; i++) s.addDrift(window(i, 1000L * (i + 1), 1, i + 1).build());
        JsonNode index = json(s).get("windows").get("index");
        assertEquals(LiveState.MAX_WINDOWS, index.size());
        assertEquals(10, index.get(0).asLong());
    }

    @Test
    void representationDriftKeepsOnePointPerVersionChange() throws Exception {
        LiveState s = new LiveState();
        s.addDrift(window(0, 1000, 1, 1).setEncoderVersion(2).setRepresentationFromVersion(1L)
                .setRepresentationCosineMovement(0.02).setRepresentationKnnOverlap(0.8).build());
        // The next window under the same version compares it with itself (0 movement): not a point.
        s.addDrift(window(1, 2000, 1, 2).setEncoderVersion(2).setRepresentationFromVersion(2L)
                .setRepresentationCosineMovement(0.0).setRepresentationKnnOverlap(1.0).build());
        s.addDrift(window(2, 3000, 1, 3).setEncoderVersion(4).setRepresentationFromVersion(2L)
                .setRepresentationCosineMovement(0.01).setRepresentationKnnOverlap(0.9).build());
        JsonNode r = json(s).get("representation");
        assertEquals(List.of(2.0, 4.0), numbers(r.get("version")));
        assertEquals(List.of(1.0, 2.0), numbers(r.get("fromVersion")));
        assertEquals(List.of(0.02, 0.01), numbers(r.get("cosineMovement")));
        assertEquals(List.of(0.8, 0.9), numbers(r.get("knnOverlap")));
    }

    @Test
    void deadLettersAreCountedByReasonWithABoundedNumberOfReasons() throws Exception {
        LiveState s = new LiveState();
        for (int i = 0; i < 3; i++) s.addDeadLetter("UNDECODABLE");
        s.addDeadLetter("EMPTY");
        for (int i = 0; i < LiveState.MAX_REASONS + 5; i++) s.addDeadLetter("ODD_" + i);
        JsonNode d = json(s).get("deadLetters");
        assertEquals(3, d.get("UNDECODABLE").asLong());
        assertEquals(1, d.get("EMPTY").asLong());
        assertEquals(LiveState.MAX_REASONS + 1, d.size(), "the reasons past the cap count as OTHER");
        assertEquals(7, d.get("OTHER").asLong());
        assertEquals(3 + 1 + LiveState.MAX_REASONS + 5, json(s).get("counts").get("deadLetters").asLong());
    }

    @Test
    void theMapShowsTheNewestVersionWithEnoughPointsColouredByLabel() throws Exception {
        LiveState s = new LiveState();
        Random r = new Random(3);
        // Version 1: 400 points in two clusters along the first axis, labelled by cluster; version 2: too few yet.
        for (int i = 0; i < 400; i++) {
            int label = i % 2;
            s.addSample("s" + i, label);
            s.addEmbedding("s" + i, 1, new float[] {label * 10 + (float) r.nextGaussian(), (float) r.nextGaussian(), 0});
        }
        for (int i = 0; i < LiveState.MIN_MAP_POINTS - 1; i++) s.addEmbedding("t" + i, 2, new float[] {1, 2, 3});
        s.addSample("unlabelled", null);
        s.addEmbedding("unlabelled", 1, new float[] {5, 0, 0});

        JsonNode m = json(s).get("map");
        assertEquals(1, m.get("version").asLong());
        assertEquals(401, m.get("points").asInt());
        assertEquals(List.of(0.0, 1.0), numbers(m.get("labels")));
        assertTrue(m.get("explained").get(0).asDouble() > 0.9, "the clusters' separation is the main variance");
        // The newest point comes first and has no label; the clusters fall on either side of 0 along PC1.
        assertEquals(-1, m.get("label").get(0).asInt());
        for (int i = 1; i < 401; i++) {
            double x = m.get("x").get(i).asDouble();
            int label = m.get("label").get(i).asInt();
            int other = m.get("label").get(1).asInt();
            assertTrue(label == other ? x * m.get("x").get(1).asDouble() > 0 : x * m.get("x").get(1).asDouble() < 0,
                    "point " + i + " of label " + label + " at " + x);
        }
    }

    @Test
    void embeddingsAndLabelsAreBounded() throws Exception {
        LiveState s = new LiveState();
        for (int i = 0; i < LiveState.MAX_EMBEDDINGS + 500; i++) s.addEmbedding("e" + i, 1 + i / 1000, new float[] {i, 1});
        for (int i = 0; i < LiveState.MAX_LABELS + 10; i++) s.addSample("x" + i, 1);
        JsonNode j = json(s);
        assertEquals(LiveState.MAX_EMBEDDINGS + 500, j.get("counts").get("embeddings").asLong());
        assertEquals(LiveState.MAX_LABELS, j.get("counts").get("labelled").asLong());
        // The ring keeps the newest 6,000 (ids 500 to 6,499): version 7 holds the newest 500, enough for a map.
        JsonNode m = j.get("map");
        assertEquals(7, m.get("version").asLong(), "version 7 holds the last 500 embeddings, enough for a map");
        assertEquals(500, m.get("points").asInt());

        LiveState wide = new LiveState();
        int dim = 4096;
        for (int i = 0; i < 2000; i++) wide.addEmbedding("w" + i, 1, new float[dim]);
        assertEquals(LiveState.MAX_EMBEDDING_FLOATS / dim, wide.map().xy().length, "wide vectors are capped by size");
    }
}
