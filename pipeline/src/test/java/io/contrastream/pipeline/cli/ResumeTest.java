package io.contrastream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {

    static void point(Path dir, long modified, boolean complete) throws Exception {
        Files.createDirectories(dir);
        if (!complete) return;
        Path metadata = dir.resolve("_metadata");
        Files.writeString(metadata, "x");
        Files.setLastModifiedTime(metadata, FileTime.fromMillis(modified));
    }

    @Test
    void picksTheNewestCompleteCheckpointOrSavepoint(@TempDir Path state) throws Exception {
        assertNull(Resume.newest(state.resolve("missing").toUri()), "no directory: a first start");
        point(state.resolve("job-a/chk-3"), 1_000_000, true);
        point(state.resolve("job-b/chk-7"), 3_000_000, true);
        point(state.resolve("job-b/chk-8"), 0, false);   // unfinished: no _metadata
        point(state.resolve("savepoints/savepoint-b-1"), 2_000_000, true);
        Resume.Point p = Resume.newest(state.toUri());
        assertEquals("chk-7", Path.of(java.net.URI.create(p.path()).getPath()).getFileName().toString());
        point(state.resolve("savepoints/savepoint-b-2"), 4_000_000, true);
        assertEquals("savepoint-b-2", Path.of(java.net.URI.create(Resume.newest(state.toUri()).path()).getPath()).getFileName().toString(),
                "a graceful stop's savepoint is newer than the last checkpoint");
    }
}
