package io.contrastream.model.eval;

import io.contrastream.model.encoder.FrozenEncoder;
import io.contrastream.model.serve.ServingSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scores an embedding feed the way a vector index uses it (kNN-20, cosine, the train split as the bank, the test split
 * as queries embedded by the newest served version): the feed as delivered, a bank re-embedded by the newest version,
 * and for every served version its own bank queried with its own and with the newest queries (BCT's empirical
 * compatibility: the latter must not be worse).
 */
public final class FeedScore {

    /** One served version's row of the compatibility table. */
    public record Version(long version, int served, double knn20Own, double knn20NewestQueries) {}

    /** The scores; {@link #json()} writes them with the keys of bench/results/feed.json. */
    public record Result(double consistentBank, double asDelivered, double newestOwn, List<Version> versions) {
        /** Versions whose bank, queried by the newest version, scores below its own queries. */
        public long failing() {
            return versions.stream().filter(v -> v.knn20NewestQueries() < v.knn20Own()).count();
        }

        /** The worst (newest queries − own queries) over the served versions. */
        public double worstGap() {
            return versions.stream().mapToDouble(v -> v.knn20NewestQueries() - v.knn20Own()).min().orElse(0);
        }

        public String json() {
            StringBuilder t = new StringBuilder();
            for (Version v : versions) {
                t.append(t.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                        "{\"version\": %d, \"served\": %d, \"knn20_own\": %.2f, \"knn20_newest_queries\": %.2f}",
                        v.version(), v.served(), v.knn20Own(), v.knn20NewestQueries()));
            }
            return String.format(Locale.ROOT, "{\"knn20_consistent_bank\": %.2f, \"knn20_feed_as_delivered\": %.2f, "
                    + "\"knn20_newest_own_version\": %.2f, \"versions_in_feed\": %d, \"versions_failing_compatibility\": %d, "
                    + "\"worst_newest_minus_own\": %.2f, \"compatibility\": [%s]}", consistentBank, asDelivered, newestOwn,
                    versions.stream().filter(v -> v.served() > 0).count(), failing(), worstGap(), t);
        }
    }

    private FeedScore() {}

    /**
     * {@code served}: the served versions, oldest first; {@code feed}: each train row's vector as delivered (a null
     * row: never delivered, left out of the feed bank; a null array: re-derived from the versions) and
     * {@code feedVersion} the index into {@code served} that made it.
     */
    public static Result score(List<ServingSpace.Served> served, float[][] train, int[] trainLabels, float[][] test,
                               int[] testLabels, float[][] feed, int[] feedVersion, int classes) {
        int last = served.size() - 1;
        float[][][] bank = new float[served.size()][][];
        float[][][] queries = new float[served.size()][][];
        for (int v = 0; v <= last; v++) {
            ServingSpace.Served sv = served.get(v);
            FrozenEncoder f = sv.snapshot().frozen();
            bank[v] = sv.embed(f, train);
            queries[v] = sv.embed(f, test);
        }
        int[] count = new int[served.size()];
        List<float[]> feedRows = new ArrayList<>();
        List<Integer> feedLabels = new ArrayList<>();
        for (int i = 0; i < train.length; i++) {
            float[] row = feed == null ? bank[feedVersion[i]][i] : feed[i];
            if (row == null) continue;
            feedRows.add(row);
            feedLabels.add(trainLabels[i]);
            count[feedVersion[i]]++;
        }
        float[][] newest = queries[last];
        double consistent = knn20(bank[last], trainLabels, newest, testLabels, classes);
        double delivered = knn20(feedRows.toArray(new float[0][]), feedLabels.stream().mapToInt(Integer::intValue).toArray(),
                newest, testLabels, classes);
        List<Version> versions = new ArrayList<>();
        for (int v = 0; v <= last; v++) {
            if (count[v] == 0 && v != last) continue;
            double own = v == last ? consistent : knn20(bank[v], trainLabels, queries[v], testLabels, classes);
            double cross = v == last ? consistent : knn20(bank[v], trainLabels, newest, testLabels, classes);
            versions.add(new Version(served.get(v).snapshot().version(), count[v], own, cross));
        }
        return new Result(consistent, delivered, consistent, versions);
    }

    private static double knn20(float[][] bank, int[] labels, float[][] queries, int[] queryLabels, int classes) {
        return 100 * Evaluation.knn(bank, labels, queries, queryLabels, classes, new int[] {20}, 0.07)[0];
    }
}
