package io.contrastream.tools.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.contrastream.pipeline.ui.LiveState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo's live page in a real browser: {@code contrastream demo} runs in this JVM (its own broker and MiniCluster)
 * with the page on, and headless Chromium renders the page. What the charts hold is read from the DOM Chromium
 * rendered (the page's draw hooks write {@code data-*} counts onto each chart), and a screenshot is saved.
 */
class LivePageBrowserITCase {

    private static final int SAMPLES = 12_000;
    private static final int BAD_EVERY = 100;
    private static final long DEMO_DEADLINE_MS = 240_000;
    private static final long BROWSER_DEADLINE_S = 90;
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    @Test
    void theDemosLivePageDrawsEveryChartInARealBrowser() throws Exception {
        String chromium = chromium();
        Assumptions.assumeTrue(chromium != null,
                "chromium is not installed: bin/install-tools installs it (apt-get install chromium); skipping the browser test");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(tee(stdout, captured), true, StandardCharsets.UTF_8));
        AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
        // The page outlives the summary (--page-hold-s), so the browser sees the finished run without racing the demo.
        Thread demo = new Thread(() -> exit.set(ToolsCli.commandLine().execute("demo", "--samples", Integer.toString(SAMPLES),
                "--bad-every", Integer.toString(BAD_EVERY), "--rate", "2000", "--drift-window", "800", "--snapshot-every", "5",
                "--serving-warmup-plateau", "0",   // a small demo: versions from step 40 on, so representation drift has pairs
                "--work-dir", TARGET.resolve("it-live-page-" + System.nanoTime()).toString(), "--timeout-s", "300",
                "--ui-port", Integer.toString(port), "--page-hold-s", "600")), "demo");
        demo.start();
        try {
            long deadline = System.currentTimeMillis() + DEMO_DEADLINE_MS;
            while (!text(captured).contains("The live page stays up") && demo.isAlive() && System.currentTimeMillis() < deadline) {
                demo.join(500);
            }
            String out = text(captured);
            assertTrue(demo.isAlive() && out.contains("The live page stays up"), "the demo never reached its summary: " + out);
            String url = "http://localhost:" + port + "/";
            assertTrue(out.contains("Live page: " + url), out);
            assertTrue(out.contains("== Summary ==") && out.contains("every record accounted for"), out);

            String dom = browser(chromium, "dom", "--dump-dom", url);
            Map<String, Map<String, Long>> charts = chartAttributes(dom);
            assertTrue(charts.get("training").get("points") >= 3, "loss points: " + charts);
            assertTrue(charts.get("knn").get("points") >= 3, "kNN monitor points: " + charts);
            assertTrue(charts.get("drift").get("points") >= 5, "MMD p-values: " + charts);
            assertTrue(charts.get("drift").get("alarms") >= 1, "the shift half-way raises an alarm on the page: " + charts);
            assertTrue(charts.get("representation").get("points") >= 1, "representation drift of a new version: " + charts);
            assertEquals(5, charts.get("deadletters").get("points"), "the demo's five kinds of bad record: " + charts);
            assertEquals(SAMPLES / BAD_EVERY, charts.get("deadletters").get("total"), "every dead letter counted: " + charts);
            assertTrue(charts.get("map").get("points") >= LiveState.MIN_MAP_POINTS, "map points: " + charts);
            assertEquals(8, charts.get("map").get("labels"), "the map is coloured by the demo's 8 classes: " + charts);
            Matcher refreshes = Pattern.compile("<body[^>]*data-refreshes=\"(\\d+)\"").matcher(dom);
            assertTrue(refreshes.find() && Long.parseLong(refreshes.group(1)) >= 1, "the page polled its state");

            Path png = TARGET.resolve("live-page.png");
            Files.deleteIfExists(png);
            browser(chromium, "screenshot", "--screenshot=" + png, "--window-size=1400,1000", "--hide-scrollbars", url);
            assertPng(png, 1400, 1000);
            stdout.println("live page screenshot: " + png);
        } finally {
            demo.interrupt();   // ends the page hold; the demo then closes its page and broker
            demo.join(60_000);
            System.setOut(stdout);
        }
        assertEquals(0, exit.get(), "the demo's exit code");
    }

    /** Runs headless Chromium on the page with a virtual-time budget for a few polls; returns its standard output. */
    private static String browser(String chromium, String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + TARGET.resolve("chromium-profile-" + name),
                "--virtual-time-budget=6000"));
        command.addAll(Arrays.asList(args));
        Path out = TARGET.resolve("chromium-" + name + ".out");
        Path err = TARGET.resolve("chromium-" + name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(BROWSER_DEADLINE_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish within " + BROWSER_DEADLINE_S + " s: " + Files.readString(err));
        }
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(err));
        return Files.readString(out);
    }

    /** The numeric data-* attributes of every chart container in the rendered DOM, by the container's id. */
    private static Map<String, Map<String, Long>> chartAttributes(String dom) {
        Map<String, Map<String, Long>> charts = new HashMap<>();
        Matcher div = Pattern.compile("<div[^>]*class=\"chart\"[^>]*>").matcher(dom);
        while (div.find()) {
            Matcher id = Pattern.compile("\\bid=\"([a-z]+)\"").matcher(div.group());
            if (!id.find()) continue;
            Map<String, Long> attributes = new HashMap<>();
            Matcher a = Pattern.compile("\\bdata-([a-z]+)=\"(\\d+)\"").matcher(div.group());
            while (a.find()) attributes.put(a.group(1), Long.parseLong(a.group(2)));
            charts.put(id.group(1), attributes);
        }
        assertEquals(6, charts.size(), "six charts in: " + dom);
        return charts;
    }

    private static void assertPng(Path png, int width, int height) throws IOException {
        assertTrue(Files.exists(png), "no screenshot at " + png);
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4), "a PNG");
        ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8);   // IHDR: width and height, big-endian
        assertEquals(width, header.getInt());
        assertEquals(height, header.getInt());
    }

    private static String chromium() {
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return p.toString();
            }
        }
        return null;
    }

    private static String text(ByteArrayOutputStream captured) {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    private static OutputStream tee(OutputStream a, ByteArrayOutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int x) throws IOException {
                a.write(x);
                synchronized (b) { b.write(x); }
            }

            @Override
            public void write(byte[] bytes, int off, int len) throws IOException {
                a.write(bytes, off, len);
                synchronized (b) { b.write(bytes, off, len); }
            }

            @Override
            public void flush() throws IOException {
                a.flush();
            }
        };
    }
}
