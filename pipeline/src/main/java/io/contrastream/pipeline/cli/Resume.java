package io.contrastream.pipeline.cli;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Where a local {@code run} resumes from: the newest complete checkpoint or savepoint under its state directory
 * ({@code <checkpoint-dir>/<group-id>}: Flink writes {@code <job id>/chk-<n>/_metadata}, graceful stops write
 * {@code savepoints/savepoint-…/_metadata}). A directory without {@code _metadata} is an unfinished checkpoint and is
 * never chosen.
 */
final class Resume {

    /** A restorable state: its path (the directory holding {@code _metadata}) and when it was written. */
    record Point(String path, long writtenMillis) {
        @Override
        public String toString() {
            return path + " (written " + Instant.ofEpochMilli(writtenMillis) + ")";
        }
    }

    private Resume() {}

    /** The newest checkpoint or savepoint under {@code stateDir}, or null when there is none (or no such directory). */
    static Point newest(URI stateDir) throws IOException {
        Path root = new Path(stateDir);
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) return null;
        Point best = null;
        for (FileStatus group : list(fs, root)) {                 // <job id>/ or savepoints/
            if (!group.isDir()) continue;
            for (FileStatus point : list(fs, group.getPath())) {  // chk-<n>/ or savepoint-…/
                if (!point.isDir()) continue;
                Path metadata = new Path(point.getPath(), "_metadata");
                if (!fs.exists(metadata)) continue;
                long written = fs.getFileStatus(metadata).getModificationTime();
                if (best == null || written > best.writtenMillis()) best = new Point(point.getPath().toString(), written);
            }
        }
        return best;
    }

    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        FileStatus[] s = fs.listStatus(dir);
        return s == null ? new FileStatus[0] : s;
    }
}
