package io.contrastream.model.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Small seeded states and their bytes as an earlier build wrote them (src/test/resources/state-fixtures), so later
 * formats are tested against real old bytes; {@code mvn test -pl model -Dtest=StateFixtures -Dfixtures.write=true}
 * writes them with this build's format.
 */
class StateFixtures {

    /** Thirteen rows of three offered to eight slots (so some were replaced), the first five without ids. */
    static ReplayBuffer replayBuffer() {
        return replayBuffer(true);
    }

    /** As {@link #replayBuffer()}, all rows without ids if not {@code withIds}. */
    static ReplayBuffer replayBuffer(boolean withIds) {
        ReplayBuffer r = new ReplayBuffer(8, 3, 7);
        float[] rows = new float[13 * 3];
        long[] ids = new long[8];
        for (int i = 0; i < rows.length; i++) rows[i] = i * 0.25f - 3;
        for (int i = 0; i < ids.length; i++) ids[i] = 1000L + 37 * i;
        r.add(rows, 5);
        r.add(java.util.Arrays.copyOfRange(rows, 5 * 3, rows.length), withIds ? ids : null, 8);
        return r;
    }

    /** The bytes of a committed fixture. */
    static byte[] read(String name) {
        try (InputStream in = StateFixtures.class.getResourceAsStream("/state-fixtures/" + name)) {
            if (in == null) throw new IllegalStateException("no state fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void write() throws IOException {
        Path dir = Files.createDirectories(Path.of("src/test/resources/state-fixtures"));
        Files.write(dir.resolve("replay-buffer-v3.bin"), replayBuffer().save());
    }
}
