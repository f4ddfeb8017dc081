package io.contrastream.pipeline.cli;

import io.contrastream.model.data.SyntheticStream;
import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.eval.Evaluation;
import io.contrastream.model.train.Snapshot;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.io.Snapshots;
import io.contrastream.pipeline.local.OutputReader;
import io.contrastream.schema.DriftReport;
import java.util.List;
import java.util.function.Predicate;

/** The demo's live progress line and its closing summary. */
final class DemoReport {

    private static final int BANK = 3000;
    private static final int QUERIES = 1000;

    private final JobConfig config;
    private final SyntheticStream stream;
    private final long t0;
    private final long started = System.currentTimeMillis();

    DemoReport(JobConfig config, SyntheticStream stream, long t0) {
        this.config = config;
        this.stream = stream;
        this.t0 = t0;
    }

    void progress(long sent, OutputReader out) {
        List<DriftReport> drift = out.driftReports();
        DriftReport last = drift.isEmpty() ? null : drift.get(drift.size() - 1);
        System.out.printf("[%5.1fs] sent %,d | embeddings %,d | dead letters %,d | windows %d | step %s | loss %s | encoder v%s%n",
                (System.currentTimeMillis() - started) / 1000.0, sent, out.embeddedIds().size(), out.deadLetters(), drift.size(),
                last == null ? "-" : last.getLearnerStep(), last == null || last.getLoss() == null ? "-" : String.format("%.3f", last.getLoss()),
                out.embeddingsByVersion().isEmpty() ? "-" : out.embeddingsByVersion().lastKey());
    }

    /** Prints the summary; true when nothing was lost or duplicated. */
    boolean summary(long valid, long bad, OutputReader out) {
        System.out.println();
        System.out.println("== Summary ==");
        boolean complete = out.embeddedIds().size() == valid && out.embeddings() == valid && out.deadLetters() == bad;
        System.out.printf("samples in: %,d valid + %,d bad = %,d | out: %,d embeddings (%,d distinct) + %,d dead letters %s%n",
                valid, bad, valid + bad, out.embeddings(), out.embeddedIds().size(), out.deadLetters(),
                complete ? "-> every record accounted for" : "-> MISMATCH");
        System.out.println("dead letters by reason: " + out.deadLettersByReason());
        System.out.println("embeddings by encoder version: " + out.embeddingsByVersion());

        List<DriftReport> withLoss = out.driftReports().stream().filter(r -> r.getLoss() != null).toList();
        if (withLoss.size() >= 2) {
            // The loss of a young queue is not comparable: fewer negatives make it smaller, so quote chance level too.
            System.out.printf("InfoNCE loss: first window %.3f -> last window %.3f (learner step %d; chance level ln(K+1) = %.2f)%n",
                    withLoss.get(0).getLoss(), withLoss.get(withLoss.size() - 1).getLoss(),
                    withLoss.get(withLoss.size() - 1).getLearnerStep(), Math.log(config.get(io.contrastream.pipeline.config.JobParams.QUEUE_SIZE) + 1.0));
        }
        knn(out);
        List<DriftReport> monitored = out.driftReports().stream().filter(r -> r.getKnnAccuracy() != null).toList();
        if (!monitored.isEmpty()) {
            DriftReport first = monitored.get(0);
            DriftReport lastReport = monitored.get(monitored.size() - 1);
            System.out.printf("online kNN monitor (%d held-out probes, never trained on): encoder v%d %.1f%% -> v%d %.1f%% (raw features %.1f%%)%n",
                    lastReport.getProbeSamples(), first.getEncoderVersion(), first.getKnnAccuracy(),
                    lastReport.getEncoderVersion(), lastReport.getKnnAccuracy(), lastReport.getKnnAccuracyRaw());
        }
        drift(out.driftReports());
        return complete;
    }

    /** kNN accuracy on held-out labelled samples (never streamed): raw features vs a random and the trained encoder. */
    private void knn(OutputReader out) {
        if (out.newestSnapshot() == null) {
            System.out.println("kNN: no encoder snapshot was published (set --snapshot-topic)");
            return;
        }
        Snapshot s = Snapshots.fromAvro(out.newestSnapshot());
        SyntheticStream heldOut = new SyntheticStream(stream.dim(), stream.classes(), -1, config.get(io.contrastream.pipeline.config.JobParams.SEED));
        float[][] bank = new float[BANK][];
        int[] bankLabels = new int[BANK];
        float[][] queries = new float[QUERIES][];
        int[] queryLabels = new int[QUERIES];
        for (int i = 0; i < BANK + QUERIES; i++) {
            SyntheticStream.Example e = heldOut.example(1_000_000_000L + i);
            if (i < BANK) { bank[i] = e.values(); bankLabels[i] = e.label(); }
            else { queries[i - BANK] = e.values(); queryLabels[i - BANK] = e.label(); }
        }
        FrozenEncoder trained = s.frozen();
        FrozenEncoder random = FrozenEncoder.random(s.config(), s.input());
        double raw = knn20(bank, bankLabels, queries, queryLabels);
        double rnd = knn20(random.embed(bank), bankLabels, random.embed(queries), queryLabels);
        double trn = knn20(trained.embed(bank), bankLabels, trained.embed(queries), queryLabels);
        System.out.printf("kNN-20 accuracy on %,d held-out samples (bank %,d): raw features %.1f%% | random encoder %.1f%% | trained encoder v%d %.1f%%%n",
                QUERIES, BANK, 100 * raw, 100 * rnd, s.version(), 100 * trn);
    }

    private double knn20(float[][] bank, int[] bankLabels, float[][] queries, int[] queryLabels) {
        return Evaluation.knn(bank, bankLabels, queries, queryLabels, stream.classes(), new int[] {20}, 0.07)[0];
    }

    private void drift(List<DriftReport> reports) {
        long shiftTime = t0 + stream.shiftAt();
        Predicate<DriftReport> before = r -> r.getWindowEnd().toEpochMilli() < shiftTime && r.getMmd2() != null;
        Predicate<DriftReport> after = r -> r.getWindowStart().toEpochMilli() >= shiftTime && r.getMmd2() != null;
        System.out.printf("drift (MMD^2 vs window %s, p-value): before the shift at sample %,d: %s | after: %s%n",
                reports.stream().map(DriftReport::getReferenceWindowIndex).filter(x -> x != null).findFirst().orElse(null),
                stream.shiftAt(), describe(reports.stream().filter(before).toList()), describe(reports.stream().filter(after).toList()));
        List<DriftReport> alarms = reports.stream().filter(DriftReport::getAlarm).toList();
        System.out.printf("drift alarms: %d before the shift, %d after%s%n",
                alarms.stream().filter(r -> r.getWindowEnd().toEpochMilli() < shiftTime).count(),
                alarms.stream().filter(r -> r.getWindowStart().toEpochMilli() >= shiftTime).count(),
                alarms.stream().filter(r -> r.getWindowStart().toEpochMilli() >= shiftTime).findFirst()
                        .map(r -> " (first: window " + r.getWindowIndex() + ", " + r.getAlarmDetectors() + ")").orElse(""));
    }

    private static String describe(List<DriftReport> rs) {
        if (rs.isEmpty()) return "no complete window";
        double mmd = rs.stream().mapToDouble(DriftReport::getMmd2).average().orElse(Double.NaN);
        double p = rs.stream().mapToDouble(DriftReport::getMmdPValue).average().orElse(Double.NaN);
        double shift = rs.stream().mapToDouble(DriftReport::getMeanShift).average().orElse(Double.NaN);
        long alarms = rs.stream().filter(r -> r.getMmdPValue() < 0.01).count();
        return String.format("%d windows, mean MMD^2 %.4f, mean p %.3f, mean shift %.3f, %d with p<0.01", rs.size(), mmd, p, shift, alarms);
    }
}
