package io.contrastream.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's user and system CPU time from {@code /proc/self/stat} (Linux), for telling spinning from work. */
public final class CpuTimes {

    /** Linux's USER_HZ: /proc reports CPU time in these ticks. */
    private static final long TICK_NANOS = 10_000_000;

    private CpuTimes() {}

    /** {user, system} nanoseconds of every thread of this process so far; {−1, −1} where /proc is not there. */
    static long[] process() {
        try {
            long[] ticks = userSystemTicks(Files.readString(Path.of("/proc/self/stat")));
            return new long[] {ticks[0] * TICK_NANOS, ticks[1] * TICK_NANOS};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /** {utime, stime} in clock ticks of a /proc/…/stat line (a process's or a thread's). */
    public static long[] userSystemTicks(String stat) {
        // Fields after the command name, which is in parentheses and may hold spaces and ')': state is field 3 of
        // proc(5), so utime (14) and stime (15) are at 11 and 12 here.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
