package io.contrastream.pipeline.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class LivePageTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(LivePage page, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(page.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageItsScriptsFromTheClasspathAndTheState() throws Exception {
        LiveState state = new LiveState();
        state.addDeadLetter("EMPTY");
        try (LivePage page = LivePage.serve(state, 0)) {
            assertTrue(page.port() > 0);
            assertEquals(URI.create("http://localhost:" + page.port() + "/"), page.url());

            HttpResponse<String> index = get(page, "/");
            assertEquals(200, index.statusCode());
            assertTrue(index.body().contains("id=\"map\""), index.body());
            assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            for (String path : new String[] {"/live.js", "/live.css", "/vendor/uPlot.iife.min.js", "/vendor/uPlot.min.css"}) {
                HttpResponse<String> r = get(page, path);
                assertEquals(200, r.statusCode(), path + ": " + r.body());
                assertTrue(r.body().length() > 100, path);
            }
            assertTrue(get(page, "/vendor/uPlot.iife.min.js").body().contains("uPlot"), "the WebJar's uPlot, not a stand-in");

            HttpResponse<String> api = get(page, "/api/state");
            assertEquals(200, api.statusCode());
            assertEquals("application/json", api.headers().firstValue("Content-Type").orElse(""));
            assertTrue(api.body().contains("\"deadLetters\":{\"EMPTY\":1}"), api.body());
        }
    }

    @Test
    void nothingElseOnTheClasspathIsReachable() throws Exception {
        try (LivePage page = LivePage.serve(new LiveState(), 0)) {
            for (String path : new String[] {"/log4j2.properties", "/io/contrastream/pipeline/ui/live.js", "/vendor/../live.js",
                    "/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css", "/api"}) {
                assertEquals(404, get(page, path).statusCode(), path);
            }
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(page.url().resolve("/api/state"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }
}
