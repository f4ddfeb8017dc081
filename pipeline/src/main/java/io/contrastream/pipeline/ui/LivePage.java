package io.contrastream.pipeline.ui;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.contrastream.pipeline.config.JobConfig;
import io.contrastream.pipeline.config.JobParams;
import io.contrastream.pipeline.io.AvroCodec;
import io.contrastream.pipeline.io.FloatList;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DriftReport;
import io.contrastream.schema.Embedding;
import io.contrastream.schema.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live page: a small HTTP server in the CLI process that serves charts of what the job writes to its output
 * topics (and the labels on its samples topic), read by a {@link TopicFollower} into a {@link LiveState}.
 */
public final class LivePage implements AutoCloseable {

    /** The uPlot WebJar on the classpath (pipeline/pom.xml); the page loads nothing from elsewhere. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final String OWN = "io/contrastream/pipeline/ui/";
    /** Embeddings and samples are followed from this far back only: the map needs the newest few thousand. */
    private static final long TAIL = 2L * LiveState.MAX_EMBEDDINGS;

    /** The only paths served, each to one classpath resource: nothing else on the classpath is reachable. */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {OWN + "index.html", "text/html; charset=utf-8"},
            "/live.js", new String[] {OWN + "live.js", "text/javascript; charset=utf-8"},
            "/live.css", new String[] {OWN + "live.css", "text/css; charset=utf-8"},
            "/vendor/uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/vendor/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final HttpServer server;
    private final ExecutorService executor;
    private final TopicFollower follower;
    private final LiveState state;

    private LivePage(LiveState state, int port, TopicFollower follower) throws IOException {
        this.state = state;
        this.follower = follower;
        // Loopback only: the page is for the person at this machine, not a service to expose.
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "live-page-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves {@code state} on {@code port} (0: any free port) without reading any topic: for tests. */
    static LivePage serve(LiveState state, int port) throws IOException {
        return new LivePage(state, port, null);
    }

    /** Starts following the configured topics and serving the page on {@code --ui-port} (0: any free port). */
    public static LivePage start(JobConfig config) throws IOException {
        int port = config.get(JobParams.UI_PORT);
        if (port < 0) throw new IllegalArgumentException("--ui-port is off (" + port + ")");
        AvroCodec.init();
        LiveState state = new LiveState();
        TopicFollower follower = new TopicFollower(config.kafkaProperties(), List.of(
                new TopicFollower.Topic(config.get(JobParams.DRIFT_TOPIC), -1,
                        v -> state.addDrift(AvroCodec.decode(DriftReport.getDecoder(), v))),
                new TopicFollower.Topic(config.get(JobParams.DEAD_LETTER_TOPIC), -1,
                        v -> state.addDeadLetter(AvroCodec.decode(DeadLetter.getDecoder(), v).getReason())),
                new TopicFollower.Topic(config.get(JobParams.EMBEDDINGS_TOPIC), TAIL, v -> {
                    Embedding e = AvroCodec.decode(Embedding.class, v);
                    state.addEmbedding(e.getSampleId(), e.getEncoderVersion(), FloatList.toArray(e.getVector()));
                }),
                new TopicFollower.Topic(config.get(JobParams.SAMPLES_TOPIC), TAIL, v -> {
                    Sample s;
                    try {
                        s = AvroCodec.decode(Sample.class, v);
                    } catch (Exception e) {   // the samples topic carries the bad inputs too: expected, only counted
                        state.addUnreadable();
                        return;
                    }
                    state.addSample(s.getId(), s.getLabel());
                })));
        try {
            return new LivePage(state, port, follower);
        } catch (IOException | RuntimeException e) {
            follower.close();
            throw e;
        }
    }

    /** The page's address, e.g. {@code http://localhost:41234/}. */
    public URI url() {
        return URI.create("http://localhost:" + port() + "/");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    LiveState state() {
        return state;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain; charset=utf-8", "GET only\n".getBytes(StandardCharsets.UTF_8));
            } else if ("/api/state".equals(path)) {
                send(ex, 200, "application/json", state.json().getBytes(StandardCharsets.UTF_8));
            } else if (STATIC.containsKey(path)) {
                String[] resource = STATIC.get(path);
                try (InputStream in = LivePage.class.getClassLoader().getResourceAsStream(resource[0])) {
                    if (in == null) send(ex, 500, "text/plain; charset=utf-8", ("missing " + resource[0] + "\n").getBytes(StandardCharsets.UTF_8));
                    else send(ex, 200, resource[1], in.readAllBytes());
                }
            } else {
                send(ex, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops serving, then stops the follower thread and its consumer. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (follower != null) follower.close();
    }
}
