package io.contrastream.model.train;

import static io.contrastream.model.train.LearnerTest.batch;
import static io.contrastream.model.train.LearnerTest.flat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * States of the layouts before the CLS5 fixtures' (CLS2, CLS3, CLS4, rewritten from them) restore into the learners
 * that could have written them; a state of another configuration, or a damaged one, is refused with a clear message.
 */
class LearnerStateFormatsTest {

    private static final EncoderConfig MLP = LearnerStateFixturesTest.MLP;

    private static Learner learner(LearnerConfig.Method method) {
        return new Learner(MLP, LearnerStateFixturesTest.config(method));
    }

    private static byte[] cls5(LearnerConfig.Method method) {
        return StateFixtures.read(LearnerStateFixturesTest.cls5(method) + ".bin");
    }

    private static Learner restored(LearnerConfig.Method method, byte[] state) {
        Learner learner = learner(method);
        LearnerState.restore(learner, state);
        return learner;
    }

    /** A CLS5 state rewritten in an older layout: CLS4 lacks the method; CLS3 also the predictor flag. */
    private static byte[] asVersion(byte[] current, int version) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(current));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        in.readInt();
        out.writeInt(0x434C5330 + version);
        out.writeUTF(in.readUTF());   // encoder
        out.writeInt(in.readInt());   // queue size
        in.readUTF();                 // method: not in older layouts
        if (version == 2) {           // CLS2 ends after the queue's keys: no ids, enqueue steps or predictor
            out.writeLong(in.readLong());
            out.writeLong(in.readLong());
            out.writeDouble(in.readDouble());
            for (int a = 0; a < 3; a++) copyFloats(in, out);   // query, key, optimizer
            out.writeInt(in.readInt());
            out.writeInt(in.readInt());
            copyFloats(in, out);
        } else {
            byte[] rest = in.readAllBytes();
            out.write(rest, 0, version == 3 ? rest.length - 1 : rest.length);   // CLS3: no predictor flag (false)
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static void copyFloats(DataInputStream in, DataOutputStream out) throws IOException {
        int n = in.readInt();
        out.writeInt(n);
        for (int i = 0; i < n; i++) out.writeFloat(in.readFloat());
    }

    @Test
    void aCls4StateWithoutTheMethodRestores() throws IOException {
        byte[] cls4 = asVersion(cls5(LearnerConfig.Method.BYOL), 4);
        Learner restored = restored(LearnerConfig.Method.BYOL, cls4);
        assertEquals(5, restored.step());
        assertArrayEquals(flat(restored(LearnerConfig.Method.BYOL, cls5(LearnerConfig.Method.BYOL)).objective().predictor().params()),
                flat(restored.objective().predictor().params()), "the predictor came back");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> restored(LearnerConfig.Method.MOCO, cls4));
        assertTrue(e.getMessage().contains("predictor"), e.getMessage());
    }

    @Test
    void aCls3StateOfAMethodWithoutPredictorRestoresIntoThatMethod() throws IOException {
        assertEquals(5, restored(LearnerConfig.Method.SIMCLR, asVersion(cls5(LearnerConfig.Method.SIMCLR), 3)).step());
    }

    @Test
    void aCls2StateKeepsItsQueueUnderAnAgeLimit() throws IOException {
        Learner restored = restored(LearnerConfig.Method.MOCO, asVersion(cls5(LearnerConfig.Method.MOCO), 2));
        StepStats s = restored.step(batch(99, 8, 16), batch(98, 8, 16), 8);
        assertEquals(0, s.excludedNegatives(), "keys of unknown age count as enqueued at the restored step");
        assertTrue(s.loss() > 0.5, "a real loss against the restored queue, got " + s.loss());
    }

    @Test
    void aCls4StateWithTheMethodRestoresAndIsCheckedAgainstTheJob() {
        byte[] state = cls5(LearnerConfig.Method.SIMSIAM);
        state[3] = 0x34;   // CLS5 → CLS4: the layout of 8d4cada..6ec9e96, which carried the method under CLS4
        assertEquals(5, restored(LearnerConfig.Method.SIMSIAM, state).step());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> restored(LearnerConfig.Method.BYOL, state));
        assertTrue(e.getMessage().contains("SIMSIAM"), e.getMessage());
    }

    @Test
    void aStateOfAnotherMethodEncoderOrQueueSizeIsRefusedByName() {
        byte[] byol = LearnerState.save(learner(LearnerConfig.Method.BYOL));
        IllegalStateException method = assertThrows(IllegalStateException.class, () -> restored(LearnerConfig.Method.SIMSIAM, byol));
        assertTrue(method.getMessage().contains("method BYOL") && method.getMessage().contains("SIMSIAM"), method.getMessage());
        LearnerConfig smallerQueue = new LearnerConfig(16, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-2, 1e-4,
                new QueueHygiene(true, 1.0, 2), LearnerConfig.Debiasing.NONE, LearnerConfig.Method.BYOL);
        IllegalStateException queue = assertThrows(IllegalStateException.class,
                () -> LearnerState.restore(new Learner(MLP, smallerQueue), byol));
        assertTrue(queue.getMessage().contains("queue size 24") && queue.getMessage().contains("with 16"), queue.getMessage());
        EncoderConfig wider = new EncoderConfig(EncoderConfig.Architecture.MLP, new int[] {16}, new int[] {32}, 24, 16, 8, 42);
        IllegalStateException encoder = assertThrows(IllegalStateException.class,
                () -> LearnerState.restore(new Learner(wider, LearnerStateFixturesTest.config(LearnerConfig.Method.BYOL)), byol));
        assertTrue(encoder.getMessage().contains("embeddingDim\":16") && encoder.getMessage().contains("embeddingDim\":24"), encoder.getMessage());
    }

    @Test
    void aTruncatedOrGarbageStateIsRefusedClearly() {
        byte[] state = LearnerState.save(learner(LearnerConfig.Method.MOCO));
        for (byte[] damaged : List.of(Arrays.copyOf(state, state.length - 1), Arrays.copyOf(state, state.length / 2),
                Arrays.copyOf(state, 10), Arrays.copyOf(cls5(LearnerConfig.Method.MOCO), 200), new byte[0])) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> restored(LearnerConfig.Method.MOCO, damaged));
            assertEquals("corrupt learner state", e.getMessage());
        }
        byte[] garbage = new byte[64];
        new java.util.Random(7).nextBytes(garbage);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> restored(LearnerConfig.Method.MOCO, garbage));
        assertEquals("not a contrastream learner state", e.getMessage());
    }
}
