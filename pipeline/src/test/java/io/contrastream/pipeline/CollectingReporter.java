package io.contrastream.pipeline;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** A metrics reporter for tests: records every metric the job registers, under the name Prometheus would give it. */
public class CollectingReporter implements MetricReporter, MetricReporterFactory {

    public static final Set<String> PROMETHEUS_NAMES = ConcurrentHashMap.newKeySet();

    private static final CharacterFilter PROMETHEUS = s -> s.replaceAll("[^a-zA-Z0-9_]", "_");

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new CollectingReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(PROMETHEUS, '_');
        PROMETHEUS_NAMES.add("flink_" + scope + "_" + PROMETHEUS.filterCharacters(name));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}
}
