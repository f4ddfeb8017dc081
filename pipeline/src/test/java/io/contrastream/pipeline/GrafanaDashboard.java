package io.contrastream.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Grafana dashboard's PromQL as Grafana would send it: every panel target's expr and the template variables. */
final class GrafanaDashboard {

    /** One query of one panel, with its legend template (Grafana's legendFormat, "" when unset). */
    record Target(String panel, String refId, String expr, String legend) {
        /** The series labels the legend template names, e.g. {@code {{job_name}} #{{subtask_index}}} → job_name, subtask_index. */
        List<String> legendLabels() {
            List<String> labels = new ArrayList<>();
            Matcher m = LEGEND_LABEL.matcher(legend);
            while (m.find()) labels.add(m.group(1));
            return labels;
        }
    }

    /** A template variable: its name, type ("query", "custom", ...) and query (for a query variable). */
    record Variable(String name, String type, String query) {}

    /** A {@code label_values(match, label)} or {@code label_values(label)} variable query; match is "" in the second form. */
    record LabelValues(String match, String label) {}

    /**
     * What Grafana puts for its built-in interval variables at the provisioned datasource's default scrape interval
     * (15 s): $__rate_interval = max(4 × scrape interval, $__interval + scrape interval) = 1m.
     */
    static final Map<String, String> BUILT_INS = Map.of("__rate_interval", "1m", "__interval", "15s", "__range", "5m");

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    /** Grafana's variable syntaxes: ${name} or ${name:format}, [[name]] or [[name:format]], and $name. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\[\\[(\\w+)(?::[^]]*)?]]|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\s*\\(\\s*(?:(.*\\S)\\s*,\\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$");

    private final List<Target> targets = new ArrayList<>();
    private final List<Variable> variables = new ArrayList<>();

    private GrafanaDashboard(JsonNode root) {
        walk(root.path("panels"));
        for (JsonNode v : root.path("templating").path("list")) {
            JsonNode q = v.path("query");   // an object {"query": ...} in newer dashboards, a plain string in older ones
            variables.add(new Variable(v.path("name").asText(), v.path("type").asText(), q.isObject() ? q.path("query").asText() : q.asText()));
        }
    }

    static GrafanaDashboard load(Path file) throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(file.toFile()));
    }

    // Rows keep their panels in a nested "panels" array (collapsed rows always do), so panels are walked recursively.
    private void walk(JsonNode panels) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    targets.add(new Target(p.path("title").asText(), t.path("refId").asText(), t.path("expr").asText(), t.path("legendFormat").asText()));
                }
            }
            walk(p.path("panels"));
        }
    }

    List<Target> targets() {
        return targets;
    }

    List<Variable> variables() {
        return variables;
    }

    /** The parts of a label_values variable query, or null when the query has another form. */
    static LabelValues labelValues(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        return m.matches() ? new LabelValues(m.group(1) == null ? "" : m.group(1), m.group(2)) : null;
    }

    /**
     * The expr with every variable replaced by its value from {@code values} or {@link #BUILT_INS}, as Grafana sends it.
     *
     * @throws IllegalArgumentException naming a variable that has no value
     */
    static String interpolate(String expr, Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(BUILT_INS);
        all.putAll(values);
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = all.get(name);
            if (value == null) throw new IllegalArgumentException("no value for variable $" + name);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A variable value as Grafana's Prometheus datasource puts it into a query when the variable is multi-value or has
     * "All" (its prometheusSpecialRegexEscape): regex metacharacters escaped, backslashes doubled for the PromQL string.
     */
    static String regexValue(String value) {
        return value.replace("\\", "\\\\\\\\").replaceAll("[$^*{}\\[\\]'+?.()|]", "\\\\\\\\$0");
    }
}
