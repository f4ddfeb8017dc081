package io.contrastream.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrafanaDashboardTest {

    @Test
    void findsTargetsInsideRowsAndTheVariableQuery(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("d.json");
        Files.writeString(file, """
                {"panels": [
                   {"type": "stat", "title": "A", "targets": [{"refId": "A", "expr": "up"}]},
                   {"type": "row", "title": "R", "collapsed": true, "panels": [
                      {"title": "B", "targets": [{"refId": "A", "expr": "x{j=~\\"$job\\"}", "legendFormat": "{{ j }} #{{subtask_index}}"},
                                                 {"refId": "B", "datasource": "other"}]}]}],
                 "templating": {"list": [{"name": "job", "type": "query", "query": {"query": "label_values(m, job_name)"}}]}}
                """);
        GrafanaDashboard d = GrafanaDashboard.load(file);
        assertEquals(List.of(new GrafanaDashboard.Target("A", "A", "up", ""),
                new GrafanaDashboard.Target("B", "A", "x{j=~\"$job\"}", "{{ j }} #{{subtask_index}}")), d.targets());
        assertEquals(List.of("j", "subtask_index"), d.targets().get(1).legendLabels());
        assertEquals(List.of(new GrafanaDashboard.Variable("job", "query", "label_values(m, job_name)")), d.variables());
    }

    @Test
    void parsesBothFormsOfLabelValues() {
        assertEquals(new GrafanaDashboard.LabelValues("flink_x{a=\"b\"}", "job_name"), GrafanaDashboard.labelValues(" label_values(flink_x{a=\"b\"}, job_name) "));
        assertEquals(new GrafanaDashboard.LabelValues("", "job_name"), GrafanaDashboard.labelValues("label_values(job_name)"));
        assertNull(GrafanaDashboard.labelValues("query_result(up)"));
    }

    @Test
    void interpolatesEverySyntaxAndTheBuiltInsAndRefusesUnknownVariables() {
        Map<String, String> v = Map.of("job", "j_1");
        assertEquals("rate(x{a=~\"j_1\", b=\"j_1\", c=\"j_1\"}[1m])",
                GrafanaDashboard.interpolate("rate(x{a=~\"$job\", b=\"${job}\", c=\"[[job]]\"}[$__rate_interval])", v));
        assertEquals("x{a=~\"j_1\"}", GrafanaDashboard.interpolate("x{a=~\"${job:regex}\"}", v));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GrafanaDashboard.interpolate("x{a=\"$node\"}", v));
        assertEquals("no value for variable $node", e.getMessage());
    }

    @Test
    void escapesRegexValuesLikeGrafanasPrometheusDatasource() {
        assertEquals("contrastream_job", GrafanaDashboard.regexValue("contrastream_job"));
        assertEquals("a\\\\.b\\\\(1\\\\)", GrafanaDashboard.regexValue("a.b(1)"));
        assertEquals("a\\\\\\\\b", GrafanaDashboard.regexValue("a\\b"));
    }
}
