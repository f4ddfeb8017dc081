package io.contrastream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void showsCountRateAndEtaOnATerminalAndNothingElsewhere() {
        Progress p = new Progress("re-embed", 30_000, System.err, true);
        assertEquals("re-embed: 12,000 / 30,000 (40%)  2,000/s  ETA 9 s", p.line(12_000, 6.0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress quiet = new Progress("re-embed", 10, new PrintStream(bytes), false);
        quiet.update(5);
        quiet.finish(10);
        assertEquals(0, bytes.size(), "not a terminal: quiet");
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        new Progress("x", 10, new PrintStream(shown), true).finish(10);
        assertTrue(shown.toString().contains("x: 10 / 10 (100%)"), shown.toString());
    }

    @Test
    void drawsAtOnceWhenFedAsALongConsumerAndTrackReturnsTheWorksResult() {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        java.util.function.LongConsumer sink = new Progress("kNN", 10, new PrintStream(shown), true);
        sink.accept(4);
        assertTrue(shown.toString().startsWith("\rkNN: 4 / 10 (40%)"), shown.toString());
        // Tests run without a console, so this line is silent: the work's result comes back all the same.
        assertEquals("result", Progress.track("quiet", 3, p -> {
            p.accept(3);
            return "result";
        }));
    }
}
