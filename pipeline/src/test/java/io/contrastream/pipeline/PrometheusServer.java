package io.contrastream.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.pipeline.testkit.LocalKafka;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A real Prometheus server (the {@code prometheus} binary) as a child process, scraping one target every second. */
final class PrometheusServer implements AutoCloseable {

    /** An error Prometheus answered a query with (bad PromQL, an unknown function, ...). */
    static final class QueryException extends IOException {
        QueryException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The {@code prometheus} executable on PATH, if there is one. */
    static Optional<Path> binary() {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "prometheus")).filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts Prometheus on a free loopback port, its storage and log under {@code dir}, scraping {@code target}
     * (host:port) every second in scrape job "flink" with the labels deploy/prometheus/prometheus.yml gives a
     * TaskManager, and waits until it is ready (at most 60 s).
     */
    static PrometheusServer start(Path binary, Path dir, String target) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = LocalKafka.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: flink
                    static_configs:
                      - targets: ["%s"]
                        labels:
                          component: taskmanager
                """.formatted(target));
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(p, port, dir);
        try {
            server.awaitReady(Duration.ofSeconds(60));
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("prometheus exited with code " + process.exitValue() + ": " + logTail());
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("prometheus was not ready within " + timeout.toSeconds() + " s: " + logTail());
    }

    /** The result array of an instant query at the present time. */
    JsonNode query(String expr) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + encode(expr)).path("result");
    }

    /** The single value of an instant query that yields at most one series; NaN when it yields none. */
    double value(String expr) throws IOException, InterruptedException {
        JsonNode result = query(expr);
        if (result.size() > 1) throw new IllegalArgumentException("expected at most one series from " + expr + ", got " + result);
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** The values of a label among the series matching {@code match} (what Grafana's label_values(match, label) shows). */
    List<String> labelValues(String label, String match) throws IOException, InterruptedException {
        List<String> values = new ArrayList<>();
        get("/api/v1/label/" + label + "/values" + (match.isEmpty() ? "" : "?match[]=" + encode(match))).forEach(v -> values.add(v.asText()));
        return values;
    }

    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("HTTP " + r.statusCode() + " from " + pathAndQuery + ": " + r.body(), e);
        }
        // Prometheus answers bad queries with HTTP 400/422 and {"status":"error","errorType":...,"error":...}.
        if (!"success".equals(body.path("status").asText())) {
            throw new QueryException(body.path("errorType").asText() + ": " + body.path("error").asText());
        }
        return body.path("data");
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The last lines of Prometheus's own log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops Prometheus and anything it started: SIGTERM first (it flushes its head block), SIGKILL after 20 s. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) tree.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            tree.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }
}
