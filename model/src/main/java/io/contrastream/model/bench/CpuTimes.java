package io.contrastream.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's user and system CPU time from {@code /proc/self/stat} (Linux), for telling spinning from work. */
final class CpuTimes {

    /** Linux's USER_HZ: /proc reports CPU time in these ticks. */
    private static final long TICK_NANOS = 10_000_000;

    private CpuTimes() {}

    /** {user, system} nanoseconds of every thread of this process so far; {−1, −1} where /proc is not there. */
    static long[] process() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) * TICK_NANOS, Long.parseLong(f[12]) * TICK_NANOS};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }
}
