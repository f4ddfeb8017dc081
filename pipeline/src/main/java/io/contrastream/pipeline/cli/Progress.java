package io.contrastream.pipeline.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * A progress line with rate and ETA for long commands, redrawn in place on a terminal and silent otherwise (a log or
 * a pipe gets only what the command prints at the end).
 */
public final class Progress implements LongConsumer {

    private final String what;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw = start - 1_000_000_000L;   // nanoTime's origin is arbitrary: 0 could be "just now"

    public Progress(String what, long total) {
        this(what, total, System.err, STDERR_IS_TERMINAL);
    }

    /**
     * Whether standard error is a terminal. {@code System.console()} only tells about stdin and stdout, so
     * {@code cmd 2> log} from a shell would fill the log with redraws; on Linux /proc names what fd 2 is.
     */
    static final boolean STDERR_IS_TERMINAL = stderrIsTerminal();

    private static boolean stderrIsTerminal() {
        if (System.console() == null) return false;
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return true;   // no /proc: as System.console() says
        }
    }

    Progress(String what, long total, PrintStream out, boolean terminal) {
        this.what = what;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs {@code work} under a progress line of {@code total} steps (the work reports how many are done, e.g. to a
     * model-side loop that takes a {@link LongConsumer}), then ends the line.
     */
    static <T> T track(String what, long total, Function<LongConsumer, T> work) {
        Progress progress = new Progress(what, total);
        T result = work.apply(progress);
        progress.finish(total);
        return result;
    }

    /** As {@link #update}, so model code can report to a progress line without knowing of the CLI. */
    @Override
    public void accept(long done) {
        update(done);
    }

    /** Reports {@code done} of the total; redraws at most twice a second. */
    public void update(long done) {
        long now = System.nanoTime();
        if (!terminal || now - lastDraw < 500_000_000L) return;
        lastDraw = now;
        out.print("\r" + line(done, (now - start) / 1e9) + "   ");
        out.flush();
    }

    /** Ends the line on a terminal. */
    public void finish(long done) {
        if (!terminal) return;
        out.println("\r" + line(done, (System.nanoTime() - start) / 1e9) + "   ");
    }

    /** e.g. {@code re-embed: 12,000 / 30,000 (40%)  2,950/s  ETA 6 s}. */
    String line(long done, double seconds) {
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 && total > done ? String.format(Locale.ROOT, "  ETA %.0f s", (total - done) / rate) : "";
        return String.format(Locale.ROOT, "%s: %,d / %,d (%.0f%%)  %,.0f/s%s", what, done, total,
                total == 0 ? 100.0 : 100.0 * done / total, rate, eta);
    }
}
