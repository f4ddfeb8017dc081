package io.contrastream.model.train;

import static io.contrastream.model.train.LearnerTest.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.contrastream.model.encoder.EncoderConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** States written by earlier versions (CLS2, CLS3, CLS4) restore into the learners that could have written them. */
class LearnerStateFormatsTest {

    private static final EncoderConfig MLP = LearnerTest.MLP;

    private static LearnerConfig config(LearnerConfig.Method method, QueueHygiene hygiene) {
        return new LearnerConfig(64, 0.2, 0.9, LearnerConfig.Optimizer.ADAM, 1e-3, 0, hygiene, LearnerConfig.Debiasing.NONE, method);
    }

    private static Learner trained(LearnerConfig config, int steps) {
        Learner learner = new Learner(MLP, config);
        for (int i = 0; i < steps; i++) learner.step(batch(10 + i, 8, 16), batch(20 + i, 8, 16), 8);
        return learner;
    }

    /** The current state rewritten in an older layout: CLS4 lacks the method; CLS3 also the predictor flag. */
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
        LearnerConfig byol = config(LearnerConfig.Method.BYOL, QueueHygiene.defaults());
        Learner original = trained(byol, 3);
        Learner restored = new Learner(MLP, byol);
        LearnerState.restore(restored, asVersion(LearnerState.save(original), 4));
        assertEquals(3, restored.step());
        assertTrue(restored.objective().predictor().params().equalsWithEps(original.objective().predictor().params(), 0), "the predictor came back");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LearnerState.restore(
                new Learner(MLP, config(LearnerConfig.Method.MOCO, QueueHygiene.defaults())), asVersion(LearnerState.save(original), 4)));
        assertTrue(e.getMessage().contains("predictor"), e.getMessage());
    }

    @Test
    void aCls3StateOfAMethodWithoutPredictorRestoresIntoThatMethod() throws IOException {
        LearnerConfig simclr = config(LearnerConfig.Method.SIMCLR, QueueHygiene.defaults());
        Learner restored = new Learner(MLP, simclr);
        LearnerState.restore(restored, asVersion(LearnerState.save(trained(simclr, 3)), 3));
        assertEquals(3, restored.step());
    }

    @Test
    void aCls2StateKeepsItsQueueUnderAnAgeLimit() throws IOException {
        LearnerConfig aged = config(LearnerConfig.Method.MOCO, new QueueHygiene(true, 1.0, 5));
        Learner restored = new Learner(MLP, aged);
        LearnerState.restore(restored, asVersion(LearnerState.save(trained(aged, 12)), 2));
        StepStats s = restored.step(batch(99, 8, 16), batch(98, 8, 16), 8);
        assertEquals(0, s.excludedNegatives(), "keys of unknown age count as enqueued at the restored step");
        assertTrue(s.loss() > 0.5, "a real loss against the restored queue, got " + s.loss());
    }

    @Test
    void aCls4StateWithTheMethodRestoresAndIsCheckedAgainstTheJob() {
        LearnerConfig simsiam = config(LearnerConfig.Method.SIMSIAM, QueueHygiene.defaults());
        byte[] state = LearnerState.save(trained(simsiam, 3));
        state[3] = 0x34;   // CLS5 → CLS4: the layout of 8d4cada..6ec9e96, which carried the method under CLS4
        Learner restored = new Learner(MLP, simsiam);
        LearnerState.restore(restored, state);
        assertEquals(3, restored.step());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LearnerState.restore(new Learner(MLP, config(LearnerConfig.Method.BYOL, QueueHygiene.defaults())), state));
        assertTrue(e.getMessage().contains("SIMSIAM"), e.getMessage());
    }
}
