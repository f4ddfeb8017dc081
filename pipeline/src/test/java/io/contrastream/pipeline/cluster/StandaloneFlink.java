package io.contrastream.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Flink standalone session cluster as child processes: a JobManager and TaskManagers started from Flink's own
 * entry points ({@code StandaloneSessionClusterEntrypoint}, {@code TaskManagerRunner}) on the classpath a Flink 2.2
 * distribution would have (flink-cluster/target/flink-classpath.txt), driven through its REST API. Every process it
 * starts is destroyed by {@link #close()}.
 */
final class StandaloneFlink implements AutoCloseable {

    /** What the config.yaml shipped with Flink 2.2 sets as env.java.opts.all, which its scripts pass to every JVM. */
    static final String JAVA_OPTS = "--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED "
            + "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED "
            + "--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED "
            + "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED "
            + "--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED "
            + "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED "
            + "--add-opens=java.base/java.util.locks=ALL-UNNAMED";

    private final Path dir;
    private final String classpath;
    private final int restPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> taskManagers = new ArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandaloneFlink(Path dir, String classpath, int restPort) {
        this.dir = dir;
        this.classpath = classpath;
        this.restPort = restPort;
    }

    /** Starts a JobManager and {@code taskManagers} TaskManagers with the given extra settings, and waits for them. */
    static StandaloneFlink start(Path dir, int taskManagers, Map<String, String> settings) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        String classpath = Files.readString(Path.of("..", "flink-cluster", "target", "flink-classpath.txt")).strip();
        int restPort = freePort();
        StringBuilder yaml = new StringBuilder();
        Map<String, String> base = Map.ofEntries(
                Map.entry("jobmanager.rpc.address", "localhost"), Map.entry("jobmanager.rpc.port", Integer.toString(freePort())),
                Map.entry("jobmanager.bind-host", "localhost"), Map.entry("rest.address", "localhost"),
                Map.entry("rest.bind-address", "localhost"), Map.entry("rest.port", Integer.toString(restPort)),
                Map.entry("taskmanager.host", "localhost"), Map.entry("taskmanager.bind-host", "localhost"),
                Map.entry("jobmanager.memory.process.size", "1024m"), Map.entry("taskmanager.memory.process.size", "2048m"),
                Map.entry("taskmanager.memory.managed.size", "64m"),   // the job keeps state on the heap
                Map.entry("io.tmp.dirs", dir.resolve("tmp").toAbsolutePath().toString()),
                Map.entry("web.upload.dir", dir.resolve("upload").toAbsolutePath().toString()));
        base.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        yaml.append("env.java.opts.all: ").append(JAVA_OPTS).append('\n');
        settings.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(dir.resolve("conf").resolve("config.yaml"), yaml);
        Files.writeString(dir.resolve("conf").resolve("log4j.properties"), """
                rootLogger.level = INFO
                rootLogger.appenderRef.out.ref = out
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1}: %m%n
                """);
        Files.createDirectories(dir.resolve("tmp"));
        StandaloneFlink flink = new StandaloneFlink(dir, classpath, restPort);
        try {
            flink.processes.add(flink.launch("jobmanager", "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "GET_JM_RESOURCE_PARAMS"));
            for (int i = 0; i < taskManagers; i++) flink.startTaskManager();
            flink.awaitTaskManagers(taskManagers);
        } catch (Exception e) {
            flink.close();
            throw e;
        }
        return flink;
    }

    /** Starts one more TaskManager process. */
    Process startTaskManager() throws IOException, InterruptedException {
        // Its resource id is its index, so the REST API's answer to "who runs this task" names a process of ours.
        String id = "tm-" + taskManagers.size();
        Process p = launch("taskmanager-" + taskManagers.size(), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "GET_TM_RESOURCE_PARAMS",
                "-D", "taskmanager.resource-id=" + id);
        processes.add(p);
        taskManagers.add(p);
        return p;
    }

    /** Kills TaskManager i like a machine failure (SIGKILL) and waits for the process to end. */
    void killTaskManager(int i) throws InterruptedException {
        Process p = taskManagers.get(i);
        p.destroyForcibly();
        p.waitFor();
    }

    /**
     * Starts a Flink process the way Flink's own jobmanager.sh / taskmanager.sh do: {@code BashJavaUtils} derives the
     * JVM's memory flags and the resource settings (as dynamic properties) from the configuration first.
     */
    private Process launch(String name, String mainClass, String resourceCommand, String... extraArgs) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String conf = dir.resolve("conf").toAbsolutePath().toString();
        Process utils = new ProcessBuilder(java, "-cp", classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils", resourceCommand,
                "--configDir", conf).redirectErrorStream(true).start();
        List<String> results = new String(utils.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")).map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
        if (utils.waitFor() != 0 || results.size() < 2) throw new IllegalStateException("BashJavaUtils " + resourceCommand + " failed: " + results);
        String cacheDir = Path.of("..", ".cache", "javacpp").toAbsolutePath().normalize().toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(results.get(0).trim().split("\\s+")));                       // -Xmx, -Xms, direct memory, metaspace
        cmd.addAll(List.of(JAVA_OPTS.split(" ")));
        cmd.addAll(List.of("-Dlog4j.configurationFile=" + dir.resolve("conf").resolve("log4j.properties").toAbsolutePath(),
                "-Dorg.bytedeco.javacpp.cachedir=" + cacheDir, "-Djava.io.tmpdir=" + dir.resolve("tmp").toAbsolutePath(),
                "-cp", classpath, mainClass, "--configDir", conf));
        cmd.addAll(List.of(results.get(1).trim().split("\\s+")));                       // -D key=value resource settings
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    private void awaitTaskManagers(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                String body = get("/taskmanagers");
                if (count(body, "\"id\"") >= n) return;
            } catch (IOException e) {
                // the REST endpoint is not up yet
            }
            for (Process p : processes) if (!p.isAlive()) throw new IllegalStateException("a Flink process died at start-up; see " + dir);
            Thread.sleep(500);
        }
        throw new IllegalStateException("the cluster did not register " + n + " TaskManagers within 2 minutes; see " + dir);
    }

    /** Number of TaskManagers the JobManager currently lists. */
    int registeredTaskManagers() throws Exception {
        return count(get("/taskmanagers"), "\"id\"");
    }

    /** Uploads a job jar ({@code POST /jars/upload}); returns its id. */
    String uploadJar(Path jar) throws Exception {
        String boundary = "contrastream" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        InputStream body = new SequenceInputStream(new java.io.ByteArrayInputStream(head), Files.newInputStream(jar));
                        return new SequenceInputStream(body, new java.io.ByteArrayInputStream(tail));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })).build();
        String body = send(request);
        Matcher m = Pattern.compile("\"filename\"\\s*:\\s*\"[^\"]*/([^\"/]+)\"").matcher(body);
        if (!m.find()) throw new IllegalStateException("unexpected upload answer: " + body);
        return m.group(1);
    }

    /** Runs an uploaded jar ({@code POST /jars/:id/run}); returns the job id. */
    String runJar(String jarId, String entryClass, List<String> args) throws Exception {
        return runJar(jarId, entryClass, args, null);
    }

    /** Runs an uploaded jar restoring a savepoint (the REST equivalent of {@code flink run -s}); returns the job id. */
    String runJar(String jarId, String entryClass, List<String> args, String savepointPath) throws Exception {
        StringBuilder json = new StringBuilder("{\"entryClass\": \"" + entryClass + "\", \"programArgsList\": [");
        for (int i = 0; i < args.size(); i++) json.append(i == 0 ? "" : ", ").append('"').append(args.get(i).replace("\"", "\\\"")).append('"');
        json.append("]");
        if (savepointPath != null) json.append(", \"savepointPath\": \"").append(savepointPath).append('"');
        json.append("}");
        String body = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.toString())).timeout(Duration.ofMinutes(3)).build());
        Matcher m = Pattern.compile("\"jobid\"\\s*:\\s*\"([0-9a-f]+)\"").matcher(body);
        if (!m.find()) throw new IllegalStateException("the job was not submitted: " + body);
        return m.group(1);
    }

    /**
     * The index of the TaskManager that runs the running subtasks of the job's vertex whose name contains
     * {@code vertexName} (vertex → subtasks → TaskManager, through {@code GET /jobs/:id/vertices/:vid/taskmanagers}),
     * once all of them run; -1 if they run on more than one TaskManager.
     */
    int taskManagerRunning(String jobId, String vertexName) throws Exception {
        JsonNode job = JSON.readTree(get("/jobs/" + jobId));
        String vertex = null;
        for (JsonNode v : job.path("vertices")) if (v.path("name").asText().contains(vertexName)) vertex = v.path("id").asText();
        if (vertex == null) throw new IllegalStateException("job " + jobId + " has no vertex named like '" + vertexName + "': " + job.path("vertices"));
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            java.util.Set<Integer> running = new java.util.TreeSet<>();
            boolean allRunning = true;
            for (JsonNode tm : JSON.readTree(get("/jobs/" + jobId + "/vertices/" + vertex + "/taskmanagers")).path("taskmanagers")) {
                if (!tm.path("status").asText().equals("RUNNING")) allRunning = false;
                String id = tm.path("taskmanager-id").asText();
                if (!id.startsWith("tm-")) throw new IllegalStateException("unexpected TaskManager id '" + id + "': " + tm);
                running.add(Integer.parseInt(id.substring(3)));
            }
            if (allRunning && !running.isEmpty()) return running.size() == 1 ? running.iterator().next() : -1;
            Thread.sleep(250);
        }
        throw new IllegalStateException("vertex '" + vertexName + "' of job " + jobId + " did not reach RUNNING within 2 minutes");
    }

    /** Stops the job with a savepoint in {@code dir} ({@code POST /jobs/:id/stop}) and returns the savepoint's path. */
    String stopWithSavepoint(String jobId, String dir) throws Exception {
        String body = send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/stop")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"targetDirectory\": \"" + dir + "\", \"drain\": false}")).build());
        String trigger = JSON.readTree(body).path("request-id").asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode status = JSON.readTree(get("/jobs/" + jobId + "/savepoints/" + trigger));
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) throw new IllegalStateException("stop-with-savepoint failed: " + op.path("failure-cause"));
                return op.path("location").asText();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("stop-with-savepoint of " + jobId + " did not complete within 2 minutes");
    }

    /** The job's status, e.g. RUNNING, RESTARTING, FAILED. */
    String jobStatus(String jobId) throws Exception {
        Matcher m = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]+)\"").matcher(get("/jobs/" + jobId + "/status"));
        return m.find() ? m.group(1) : "UNKNOWN";
    }

    /** The failures in the job's exception history ({@code GET /jobs/:id/exceptions}), as exception names. */
    List<String> failures(String jobId) throws Exception {
        Matcher m = Pattern.compile("\"exceptionName\"\\s*:\\s*\"([^\"]+)\"").matcher(get("/jobs/" + jobId + "/exceptions"));
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

    void cancel(String jobId) throws Exception {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody()).build());
    }

    String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** The text of any HTTP URL, or null if nothing answers there. */
    String fetch(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IOException(request.method() + " " + request.uri() + ": HTTP " + r.statusCode() + " " + r.body());
        return r.body();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + restPort + path);
    }

    /** The last lines of a process's log, for failure messages. */
    String logTail(String name, int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve(name + ".log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
        return n;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) p.destroyForcibly();
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
