package io.contrastream.pipeline.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.pipeline.io.SnapshotStateFixtures.Holder;
import io.contrastream.schema.EncoderSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroSerializerSnapshot;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operators that hold an encoder snapshot restore it from states of every format (the committed fixtures), and
 * what they save again, in this build's format, restores to an operator that goes on as the first restored one does.
 */
class SnapshotStateFormatsTest {

    /** The formats of the committed fixtures. */
    private static final List<String> FORMATS = List.of("avro", "codec");

    @ParameterizedTest
    @EnumSource(Holder.class)
    void everyFormatHoldsTheSameSnapshot(Holder holder) throws Exception {
        EncoderSnapshot first = null;
        for (String format : FORMATS) {
            List<EncoderSnapshot> held = holder.held(fixture(holder, format));
            assertEquals(1, held.size(), format);
            EncoderSnapshot s = held.get(0);
            assertEquals(SnapshotStateFixtures.VERSION, s.getVersion(), format);
            // The learner's version was trained, by the build that wrote the fixture: the formats are compared instead.
            if (holder != Holder.LEARNER) assertEquals(SnapshotStateFixtures.snapshot(SnapshotStateFixtures.VERSION), s, format);
            // Each run of the learner draws a new space id.
            EncoderSnapshot unspaced = EncoderSnapshot.newBuilder(s).setSpaceId(null).build();
            if (first == null) first = unspaced;
            assertEquals(first, unspaced, format + ": the same version and weights in every format");
        }
    }

    @ParameterizedTest
    @EnumSource(Holder.class)
    void anOperatorRestoredAndSavedAgainGoesOnAsTheRestoredOne(Holder holder, @TempDir Path dir) throws Exception {
        for (String format : FORMATS) {
            OperatorSubtaskState fixture = fixture(holder, format);
            List<?> restored;
            try (var h = restore(holder, fixture)) {
                holder.feed(h, 1);
                holder.feed(h, 2);
                restored = h.extractOutputValues();
            }
            if (holder == Holder.LEARNER) {
                EncoderSnapshot next = (EncoderSnapshot) restored.get(0);
                assertEquals(SnapshotStateFixtures.VERSION + 1, next.getVersion());
                assertEquals(holder.held(fixture).get(0).getSpaceId(), next.getSpaceId(), "the space continues");
                assertNotNull(next.getAlignment(), "aligned onto the restored served version");
            } else {
                assertEquals(uninterrupted(holder), restored, format + ": as if never interrupted");
            }
            OperatorSubtaskState savedAgain;
            int beforeSave;
            try (var h = restore(holder, fixture)) {
                holder.feed(h, 1);
                beforeSave = h.extractOutputValues().size();
                assertEquals(restored.subList(0, beforeSave), h.extractOutputValues(), format);
                savedAgain = h.snapshot(2, 2);
                assertTrue(inCodecFormat(savedAgain, dir), format + ", saved again");
                Object newest = holder == Holder.LEARNER ? restored.get(beforeSave - 1) : holder.held(fixture).get(0);
                assertEquals(List.of(newest), holder.held(savedAgain), format + ", saved again");
            }
            try (var h = restore(holder, savedAgain)) {
                holder.feed(h, 2);
                assertEquals(restored.subList(beforeSave, restored.size()), h.extractOutputValues(), format + ", saved again");
            }
        }
    }

    /** The outputs of phases 1 and 2 of an operator that was never stopped. */
    private static List<?> uninterrupted(Holder holder) throws Exception {
        try (var h = holder.harness()) {
            h.open();
            holder.feed(h, 0);
            int before = h.extractOutputValues().size();
            holder.feed(h, 1);
            holder.feed(h, 2);
            return h.extractOutputValues().subList(before, h.extractOutputValues().size());
        }
    }

    /** Whether a state's only serializer of snapshots is SnapshotState's (its snapshot names its class). */
    private static boolean inCodecFormat(OperatorSubtaskState state, Path dir) throws Exception {
        Path file = dir.resolve("state.bin");
        OperatorSnapshotUtil.writeStateHandle(state, file.toString());
        String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        return bytes.contains(SnapshotState.SerializerSnapshot.class.getName()) && !bytes.contains(AvroSerializerSnapshot.class.getName());
    }

    private static AbstractStreamOperatorTestHarness<?> restore(Holder holder, OperatorSubtaskState state) throws Exception {
        AbstractStreamOperatorTestHarness<?> h = holder.harness();
        h.initializeState(state);
        h.open();
        return h;
    }

    private static OperatorSubtaskState fixture(Holder holder, String format) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(holder.fixture(format).toString());
    }
}
